import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SigningKey {
  kid: string;
  privateKeyPem: string;
}

/**
 * RS256 keys by `kid`. Every process holds the public keys (to verify); only the user service
 * loads a private key (to sign). Old public keys stay listed so tokens survive a key rotation.
 */
export class JwtKeySet {
  /**
   * The keys parsed once, here (a malformed key file fails at start). Given a PEM, jsonwebtoken
   * parses it again for every token: 5 times the RSA check itself when verifying, 3 times when
   * signing.
   */
  private readonly verifyingKeys: ReadonlyMap<string, KeyObject>;
  readonly signingKeyObject?: KeyObject;

  constructor(
    readonly publicKeys: ReadonlyMap<string, string>,
    readonly signingKey?: SigningKey,
  ) {
    if (signingKey && !publicKeys.has(signingKey.kid)) {
      throw new Error(`signing key ${signingKey.kid} has no public key`);
    }
    this.verifyingKeys = new Map(
      [...publicKeys].map(([kid, pem]) => [
        kid,
        rs256Key(`${kid}.public.pem`, createPublicKey(pem)),
      ]),
    );
    if (signingKey) {
      const privateKey = rs256Key(
        `${signingKey.kid}.private.pem`,
        createPrivateKey(signingKey.privateKeyPem),
      );
      // A private key of another pair signs tokens that no app, this one included, verifies.
      if (!createPublicKey(privateKey).equals(this.verifyingKeys.get(signingKey.kid)!)) {
        throw new Error(
          `${signingKey.kid}.private.pem is not the pair of ${signingKey.kid}.public.pem`,
        );
      }
      this.signingKeyObject = privateKey;
    }
  }

  publicKey(kid: string): string | undefined {
    return this.publicKeys.get(kid);
  }

  /** The public key of `kid`, parsed. */
  verifyingKey(kid: string): KeyObject | undefined {
    return this.verifyingKeys.get(kid);
  }

  /** The public keys as a JWKS document (`/.well-known/jwks.json`). */
  toJwks(): { keys: (JsonWebKey & { kid: string; alg: 'RS256'; use: 'sig' })[] } {
    return {
      keys: [...this.publicKeys].map(([kid, pem]) => ({
        ...createPublicKey(pem).export({ format: 'jwk' }),
        kid,
        alg: 'RS256' as const,
        use: 'sig' as const,
      })),
    };
  }

  /** Generates a key pair in memory (tests). */
  static generate(kid = 'test-key'): JwtKeySet {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return new JwtKeySet(
      new Map([[kid, publicKey.export({ type: 'spki', format: 'pem' }).toString()]]),
      {
        kid,
        privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      },
    );
  }

  /**
   * Reads `<kid>.public.pem` files from `dir`, and with `signingKid` also `<kid>.private.pem`.
   * Key files are mounted secrets in production and `.keys/` (generated once) in development.
   */
  static fromDirectory(dir: string, signingKid?: string): JwtKeySet {
    const publicKeys = new Map<string, string>();
    for (const file of readdirSync(dir).sort()) {
      const match = /^([A-Za-z0-9_-]+)\.public\.pem$/.exec(file);
      if (match) publicKeys.set(match[1], readFileSync(join(dir, file), 'utf8'));
    }
    if (publicKeys.size === 0) throw new Error(`no <kid>.public.pem files in ${dir}`);
    const signingKey = signingKid
      ? {
          kid: signingKid,
          privateKeyPem: readFileSync(join(dir, `${signingKid}.private.pem`), 'utf8'),
        }
      : undefined;
    return new JwtKeySet(publicKeys, signingKey);
  }
}

/**
 * The key, when RS256 can use it: jsonwebtoken refuses other types and RSA under 2048 bits only
 * when a token is signed or checked, which would make every sign-in fail, or every token refused.
 */
function rs256Key(file: string, key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== 'rsa' || (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
    throw new Error(`${file} is no RSA key of 2048 bits or more`);
  }
  return key;
}

/** Creates `<kid>.private.pem`/`<kid>.public.pem` in `dir` unless they exist (development set-up). */
export function ensureDevelopmentKeys(dir: string, kid: string): void {
  if (existsSync(join(dir, `${kid}.private.pem`))) return;
  mkdirSync(dir, { recursive: true });
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(
    join(dir, `${kid}.private.pem`),
    privateKey.export({ type: 'pkcs8', format: 'pem' }),
    { mode: 0o600 },
  );
  writeFileSync(join(dir, `${kid}.public.pem`), publicKey.export({ type: 'spki', format: 'pem' }));
}
