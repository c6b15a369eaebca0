import { errorMessage } from './error-message';

describe('errorMessage', () => {
  it("answers an Error's message without its name or stack", () => {
    expect(errorMessage(new TypeError('connection refused'))).toBe('connection refused');
  });

  it('answers anything else thrown as its text', () => {
    expect(errorMessage('timed out')).toBe('timed out');
    expect(errorMessage(42)).toBe('42');
    expect(errorMessage(undefined)).toBe('undefined');
  });
});
