import {
  JwtKeySet,
  type SessionStatus,
  TokenSigner,
  TokenVerifier,
  type VerifiedToken,
} from '@app/auth';
import { AppError } from '@app/grpc';
import { JwtService } from '@nestjs/jwt';

import { SocketAuthenticator } from './socket-authenticator';

const USER_ID = '1294287382374383616';

describe('SocketAuthenticator', () => {
  const keys = JwtKeySet.generate('k1');
  const signer = new TokenSigner(keys);
  const sessions = new Map<string, SessionStatus>([
    ['live', 'active'],
    ['frozen', 'denied'],
  ]);
  const authenticator = new SocketAuthenticator(new TokenVerifier(new JwtKeySet(keys.publicKeys)), {
    status: (sid: string) => Promise.resolve(sessions.get(sid) ?? null),
  });

  const refusal = async (query: Record<string, string>): Promise<string> => {
    const error: unknown = await authenticator.authenticate(query, 'socket-1').then(
      () => new Error('connection was accepted'),
      (refused: unknown) => refused,
    );
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).message;
  };

  it('identifies a user by an access token of a live session, until the token expires', async () => {
    const token = signer.signAccess(USER_ID, 'live');
    const { exp } = new JwtService({}).decode<VerifiedToken>(token);
    await expect(authenticator.authenticate({ token }, 'socket-1')).resolves.toEqual({
      kind: 'user',
      userId: USER_ID,
      sessionId: 'live',
      expiresAt: exp * 1000,
    });
  });

  it('lets anonymous clients in without a user', async () => {
    await expect(authenticator.authenticate({ a: USER_ID }, 'socket-1')).resolves.toEqual({
      kind: 'anonymous',
      anonymousId: USER_ID,
    });
  });

  it('names a client that brings no credentials by its socket', async () => {
    await expect(authenticator.authenticate({}, 'socket-1')).resolves.toEqual({
      kind: 'anonymous',
      anonymousId: 'socket-1',
    });
  });

  it('refuses malformed, foreign and "Bearer "-prefixed tokens', async () => {
    expect(await refusal({ token: 'not-a-jwt', a: 'device-1' })).toBe('Token has some errors.');
    const foreign = new TokenSigner(JwtKeySet.generate('k1')).signAccess(USER_ID, 'live');
    expect(await refusal({ token: foreign })).toBe('Token has some errors.');
    expect(await refusal({ token: `Bearer ${signer.signAccess(USER_ID, 'live')}` })).toBe(
      'Token has some errors.',
    );
  });

  it('refuses a refresh token', async () => {
    expect(await refusal({ token: signer.signRefresh(USER_ID, 'live').token })).toBe(
      'Do not use refresh token.',
    );
  });

  it('refuses tokens of ended and frozen sessions', async () => {
    expect(await refusal({ token: signer.signAccess(USER_ID, 'logged-out') })).toBe(
      'Token has some errors.',
    );
    expect(await refusal({ token: signer.signAccess(USER_ID, 'frozen') })).toBe('User denied.');
  });
});
