import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ensureDevelopmentKeys, JwtKeySet, SessionStore, TokenSigner } from '@app/auth';
import type Redis from 'ioredis';

export interface TestKeys {
  /** Pass as JWT_KEYS_DIR; holds `<kid>.public.pem` and `<kid>.private.pem`. */
  dir: string;
  kid: string;
  signer: TokenSigner;
  remove(): void;
}

/** A fresh RS256 key pair on disk for one test file. */
export function createTestKeys(kid = 'test-1'): TestKeys {
  const dir = mkdtempSync(join(tmpdir(), 'tt-keys-'));
  ensureDevelopmentKeys(dir, kid);
  return {
    dir,
    kid,
    signer: new TokenSigner(JwtKeySet.fromDirectory(dir, kid)),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Signs an access token for `userId` with a live session in the state Redis (as the user
 * service's login does), for tests of endpoints that need a signed-in user.
 */
export async function signInForTest(
  keys: TestKeys,
  state: Redis,
  userId: string,
  options: { verified?: boolean; scope?: string } = {},
): Promise<{ token: string; sid: string }> {
  const session = await new SessionStore(state, 3600).create(
    userId,
    options.scope ?? 'app',
    randomUUID(),
  );
  return {
    token: keys.signer.signAccess(userId, session.sid, { verified: options.verified }),
    sid: session.sid,
  };
}
