import { readerOf } from './reader.util';

describe('readerOf', () => {
  it('tells users, anonymous devices and nobody apart', () => {
    expect(readerOf('')).toEqual({ kind: 'none' });
    expect(readerOf('1294287382374383617')).toEqual({
      kind: 'user',
      userId: '1294287382374383617',
      key: '1294287382374383617',
    });
    const anonymous = readerOf('Anony device-1');
    expect(anonymous.kind).toBe('anonymous');
    expect(anonymous.kind === 'anonymous' && anonymous.key).toMatch(/^anon:[0-9a-f]{32}$/);
  });
});
