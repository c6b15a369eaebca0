import { StateKeys } from '@app/cache';
import { toHttpError } from '@app/grpc';
import type { ExecutionContext, Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type Redis from 'ioredis';

import {
  Auth,
  AuthGuard,
  type AuthMode,
  type AuthenticatedRequest,
  SessionStatusCache,
} from './auth.guard';
import { JwtKeySet } from './key-set';
import type { SessionStatus } from './session-store';
import { TokenSigner } from './token-signer';
import { TokenVerifier } from './token-verifier';

const USER = '1294287382374383616';
const MODES: readonly AuthMode[] = ['required', 'optional', 'lenient', 'verified'];

/** The session store's Redis: statuses by sid, or down (ioredis' answer to a closed connection). */
class FakeState {
  down = false;
  readonly statuses = new Map<string, SessionStatus>();

  hget(key: string): Promise<string | null> {
    if (this.down) return Promise.reject(new Error('Connection is closed.'));
    const sid = [...this.statuses.keys()].find((candidate) => StateKeys.session(candidate) === key);
    return Promise.resolve(sid === undefined ? null : (this.statuses.get(sid) ?? null));
  }
}

describe('AuthGuard', () => {
  const keys = JwtKeySet.generate('k1');
  const signer = new TokenSigner(keys);
  const expiredSigner = new TokenSigner(keys, { accessSeconds: -10, refreshSeconds: -10 });
  const verifier = new TokenVerifier(new JwtKeySet(keys.publicKeys));
  const routes = new Map(
    MODES.map((mode): [AuthMode, Type<unknown>] => {
      const route = class {};
      Auth(mode)(route);
      return [mode, route];
    }),
  );

  /** What a request with this Authorization header gets past the guard of each mode. */
  async function answers(
    state: FakeState,
    authorization: string | undefined,
  ): Promise<Record<AuthMode, string>> {
    const guard = new AuthGuard(
      new Reflector(),
      verifier,
      state as unknown as Redis,
      new SessionStatusCache(),
    );
    const seen: Partial<Record<AuthMode, string>> = {};
    for (const mode of MODES) {
      const request: AuthenticatedRequest = { headers: { authorization } };
      const context = {
        getHandler: () => answers,
        getClass: () => routes.get(mode),
        switchToHttp: () => ({ getRequest: () => request }),
      } as unknown as ExecutionContext;
      try {
        await guard.canActivate(context);
        seen[mode] = request.authUser ? `signed in as ${request.authUser.userId}` : 'anonymous';
      } catch (error) {
        const { status, body } = toHttpError(error);
        seen[mode] = `${status} ${JSON.stringify(body.message)}`;
      }
    }
    return seen as Record<AuthMode, string>;
  }

  const everyMode = (answer: string): Record<AuthMode, string> => ({
    required: answer,
    optional: answer,
    lenient: answer,
    verified: answer,
  });
  const SIGNED_IN = `signed in as ${USER}`;
  const SIGN_IN_REQUIRED = '401 "User must be authorized."';
  const TOKEN_ERRORS = '401 "Token has some errors."';

  it('signs in a live session in every mode, and on the media platform only with `verified`', async () => {
    const state = new FakeState();
    state.statuses.set('live', 'active');
    expect(
      await answers(state, `Bearer ${signer.signAccess(USER, 'live', { verified: true })}`),
    ).toEqual(everyMode(SIGNED_IN));
    expect(await answers(state, `Bearer ${signer.signAccess(USER, 'live')}`)).toEqual({
      ...everyMode(SIGNED_IN),
      verified: '403 "User must be real info verified."',
    });
  });

  it('answers a token that signs no one in as no token where sign-in is required, Token has some errors. where it is optional', async () => {
    const state = new FakeState();
    state.statuses.set('live', 'active');
    const noToken = {
      required: SIGN_IN_REQUIRED,
      optional: 'anonymous',
      lenient: 'anonymous',
      verified: SIGN_IN_REQUIRED,
    };
    const badToken = { ...noToken, optional: TOKEN_ERRORS };
    const header = (token: string) => `Bearer ${token}`;
    expect(await answers(state, undefined)).toEqual(noToken);
    expect({
      malformed: await answers(state, header('not.a.token')),
      'signed by another key': await answers(
        state,
        header(new TokenSigner(JwtKeySet.generate('k1')).signAccess(USER, 'live')),
      ),
      expired: await answers(
        state,
        header(expiredSigner.signAccess(USER, 'live', { verified: true })),
      ),
      'ended session': await answers(
        state,
        header(signer.signAccess(USER, 'ended', { verified: true })),
      ),
    }).toEqual({
      malformed: badToken,
      'signed by another key': badToken,
      expired: badToken,
      'ended session': badToken,
    });
  });

  it('keeps the 403 of a refresh token and of a denied session, which only the lenient routes read as anonymous', async () => {
    const state = new FakeState();
    state.statuses.set('live', 'active');
    state.statuses.set('frozen', 'denied');
    expect(
      await answers(state, `Bearer ${signer.signRefresh(USER, 'live', { verified: true }).token}`),
    ).toEqual({
      ...everyMode('403 "Do not use refresh token."'),
      lenient: 'anonymous',
    });
    expect(
      await answers(state, `Bearer ${signer.signAccess(USER, 'frozen', { verified: true })}`),
    ).toEqual({
      ...everyMode('403 "User denied."'),
      lenient: 'anonymous',
    });
  });

  it('answers 503 in every mode while the session store cannot say, never a 401 or anonymous', async () => {
    const state = new FakeState();
    state.down = true;
    expect(
      await answers(state, `Bearer ${signer.signAccess(USER, 'live', { verified: true })}`),
    ).toEqual(everyMode('503 "Service unavailable."'));
  });
});

describe('SessionStatusCache with the guard', () => {
  const keys = JwtKeySet.generate('k1');
  const signer = new TokenSigner(keys);
  const verifier = new TokenVerifier(new JwtKeySet(keys.publicKeys));
  const route = class {};
  Auth('required')(route);

  /** A session store whose first read answers only when released, with the status stored when it was sent. */
  class HeldState {
    readonly statuses = new Map<string, SessionStatus>([['s1', 'active']]);
    readonly held: Array<() => void> = [];

    hget(key: string): Promise<string | null> {
      const status = StateKeys.session('s1') === key ? (this.statuses.get('s1') ?? null) : null;
      if (this.held.length > 0) return Promise.resolve(status);
      return new Promise((resolve) => this.held.push(() => resolve(status)));
    }
  }

  function request(guard: AuthGuard, token: string): Promise<string> {
    const context = {
      getHandler: () => request,
      getClass: () => route,
      switchToHttp: () => ({
        getRequest: () => ({ headers: { authorization: `Bearer ${token}` } }),
      }),
    } as unknown as ExecutionContext;
    return guard.canActivate(context).then(
      () => 'signed in',
      (error: unknown) => `${toHttpError(error).status}`,
    );
  }

  it('keeps refusing a session this replica ended when a read of it sent before the sign-out answers live after it', async () => {
    const state = new HeldState();
    const statuses = new SessionStatusCache();
    const guard = new AuthGuard(new Reflector(), verifier, state as unknown as Redis, statuses);
    const token = signer.signAccess(USER, 's1');

    const sentBefore = request(guard, token);
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.held).toHaveLength(1);
    // The sign-out ends the session in the store, then here.
    state.statuses.delete('s1');
    statuses.ended('s1');
    state.held[0]?.();
    expect(await sentBefore).toBe('signed in');

    expect(await request(guard, token)).toBe('401');
  });
});
