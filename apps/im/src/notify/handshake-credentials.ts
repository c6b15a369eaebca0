import { TokenErrors } from '@app/auth';
import { STRAY_CONTROL } from '@app/grpc';

export const MAX_ANONYMOUS_ID_LENGTH = 64;

export type HandshakeQuery = Record<string, string | string[] | undefined>;

/**
 * The query of a handshake's URL, a repeated parameter as all its values: Engine.IO's own
 * (`socket.handshake.query`) keeps only the last, so `token=<valid>&token=` passed as anonymous.
 */
export function handshakeQuery(url: string): HandshakeQuery {
  const query: HandshakeQuery = {};
  const params = new URL(url, 'http://im').searchParams;
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    query[name] = values.length === 1 ? values[0] : values;
  }
  return query;
}

export type HandshakeCredentials =
  { kind: 'token'; token: string } | { kind: 'anonymous'; anonymousId: string } | { kind: 'none' };

/**
 * The reference handshake: `token=<access JWT without "Bearer">` or `a=<anonymous id>`. A token
 * that is present wins over `a`, so a bad token is refused instead of silently falling back to
 * anonymous. toutiao-m's chat page connects with neither (`io(url)`), so a handshake without
 * both is let in as well, as `none`: an anonymous socket that can only chat. Throws the token
 * errors (AppError) for a repeated token or an unusable anonymous id: repeated, too long, or
 * holding a control character but tab and line breaks (NUL, ESC, ...), which the bot would get in
 * its `user_id`.
 */
export function readHandshakeCredentials(query: HandshakeQuery): HandshakeCredentials {
  const { token, a } = query;
  if (Array.isArray(token)) throw TokenErrors.invalid();
  if (token) return { kind: 'token', token };
  if (a === undefined || a === '') return { kind: 'none' };
  if (typeof a === 'string' && a.length <= MAX_ANONYMOUS_ID_LENGTH && !STRAY_CONTROL.test(a)) {
    return { kind: 'anonymous', anonymousId: a };
  }
  throw TokenErrors.missing();
}
