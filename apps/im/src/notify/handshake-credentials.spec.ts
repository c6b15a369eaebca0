import { AppError } from '@app/grpc';

import { type HandshakeQuery, readHandshakeCredentials } from './handshake-credentials';

function refusal(query: HandshakeQuery): string {
  try {
    readHandshakeCredentials(query);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).message;
  }
  throw new Error('credentials were accepted');
}

describe('readHandshakeCredentials', () => {
  it('takes the token, even when an anonymous id is also given', () => {
    expect(readHandshakeCredentials({ token: 'a.b.c', a: 'device-1' })).toEqual({
      kind: 'token',
      token: 'a.b.c',
    });
  });

  it('accepts an anonymous id of 1 to 64 characters', () => {
    expect(readHandshakeCredentials({ a: 'd' })).toEqual({ kind: 'anonymous', anonymousId: 'd' });
    expect(readHandshakeCredentials({ a: 'x'.repeat(64) })).toEqual({
      kind: 'anonymous',
      anonymousId: 'x'.repeat(64),
    });
    expect(readHandshakeCredentials({ token: '', a: 'device-1' })).toEqual({
      kind: 'anonymous',
      anonymousId: 'device-1',
    });
  });

  it("lets a handshake with neither in, as toutiao-m's chat page connects", () => {
    expect(readHandshakeCredentials({})).toEqual({ kind: 'none' });
    expect(readHandshakeCredentials({ token: '', a: '' })).toEqual({ kind: 'none' });
    expect(readHandshakeCredentials({ EIO: '3', transport: 'polling', t: 'N1a2b3c' })).toEqual({
      kind: 'none',
    });
  });

  it('refuses an unusable anonymous id', () => {
    expect(refusal({ a: 'x'.repeat(65) })).toBe('User must be authorized.');
    expect(refusal({ a: ['one', 'two'] })).toBe('User must be authorized.');
  });

  it('refuses an anonymous id holding a control character other than tab and line breaks', () => {
    for (const control of ['\0', '\x1b', '\x7f', '\x9b'])
      expect(refusal({ a: `device${control}1` })).toBe('User must be authorized.');
    expect(readHandshakeCredentials({ a: 'device\t1\r\n' })).toEqual({
      kind: 'anonymous',
      anonymousId: 'device\t1\r\n',
    });
  });

  it('refuses a repeated token parameter', () => {
    expect(refusal({ token: ['a.b.c', 'd.e.f'] })).toBe('Token has some errors.');
  });
});
