import { createHmac, generateKeyPairSync } from 'node:crypto';

import { AppError, ErrorKind } from '@app/grpc';
import { Strategy as JwtStrategy } from 'passport-jwt';

import { parseAuthorization } from './bearer';
import { JwtKeySet } from './key-set';
import { TokenSigner } from './token-signer';
import { TokenVerifier } from './token-verifier';

const base64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

function forge(header: object, payload: object, sign: (input: string) => string): string {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  return `${input}.${sign(input)}`;
}

function expectRefused(run: () => unknown, kind: ErrorKind, message: string): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).kind).toBe(kind);
    expect((error as AppError).message).toBe(message);
    return;
  }
  throw new Error('token was accepted');
}

describe('TokenVerifier', () => {
  const keys = JwtKeySet.generate('k1');
  const signer = new TokenSigner(keys);
  const verifier = new TokenVerifier(new JwtKeySet(keys.publicKeys));
  const now = () => Math.floor(Date.now() / 1000);
  const claims = { user_id: '1294287382374383616', refresh: false, typ: 'access', sid: 's1' };

  it('accepts its own access and refresh tokens with the reference claims', () => {
    const access = verifier.verifyAs(signer.signAccess('1294287382374383616', 's1'), 'access');
    expect(access).toMatchObject({
      user_id: '1294287382374383616',
      refresh: false,
      typ: 'access',
      sid: 's1',
    });
    expect(access.exp - access.iat).toBe(7200);
    const refresh = verifier.verifyAs(
      signer.signRefresh('1294287382374383616', 's1').token,
      'refresh',
    );
    expect(refresh).toMatchObject({ refresh: true, typ: 'refresh' });
    expect(refresh.exp - refresh.iat).toBe(14 * 24 * 3600);
    expect(typeof refresh.jti).toBe('string');
  });

  it("checks a token it has not seen with passport-jwt's strategy, and a cached one with no passport call", () => {
    const authenticate = jest.spyOn(JwtStrategy.prototype, 'authenticate');
    try {
      const fresh = new TokenVerifier(new JwtKeySet(keys.publicKeys));
      const token = signer.signAccess('1', 's-cached');
      fresh.verify(token);
      expect(authenticate).toHaveBeenCalledTimes(1);
      fresh.verify(token);
      fresh.verifyAs(token, 'access');
      expect(authenticate).toHaveBeenCalledTimes(1);
    } finally {
      authenticate.mockRestore();
    }
  });

  it('refuses garbage and a valid token followed by more text', () => {
    for (const garbage of ['', 'garbage', 'a.b.c']) {
      expectRefused(
        () => verifier.verify(garbage),
        ErrorKind.Unauthenticated,
        'Token has some errors.',
      );
    }
    const token = signer.signAccess('1', 's');
    expectRefused(
      () => verifier.verify(`${token} trailing`),
      ErrorKind.Unauthenticated,
      'Token has some errors.',
    );
    expectRefused(
      () => verifier.verify(`${token}.x`),
      ErrorKind.Unauthenticated,
      'Token has some errors.',
    );
  });

  it('refuses a token with whitespace around it, in five parts (JWE form), or huge', () => {
    const token = signer.signAccess('1', 's');
    const [header, , signature] = token.split('.');
    const huge = `${header}.${base64url(JSON.stringify({ ...claims, pad: 'x'.repeat(1 << 20) }))}.${signature}`;
    for (const variant of [`${token} `, `${token}\n`, ` ${token}`, `${token}.a.b`, huge]) {
      expectRefused(
        () => verifier.verify(variant),
        ErrorKind.Unauthenticated,
        'Token has some errors.',
      );
    }
  });

  it('refuses a JWT-typed header over a payload that is not JSON', () => {
    const token = `${base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'k1' }))}.${base64url('not json')}.c2ln`;
    expectRefused(
      () => verifier.verify(token),
      ErrorKind.Unauthenticated,
      'Token has some errors.',
    );
  });

  it('refuses a missing kid and a kid that is not a string', () => {
    const key = keys.signingKey!;
    const { JwtService } = jest.requireActual<typeof import('@nestjs/jwt')>('@nestjs/jwt');
    const sign = (header: object) =>
      new JwtService({}).sign(
        { ...claims },
        {
          privateKey: key.privateKeyPem,
          algorithm: 'RS256',
          expiresIn: 60,
          header: { alg: 'RS256', ...header },
        },
      );
    expect(verifier.verify(sign({ kid: 'k1' }))).toMatchObject(claims);
    for (const header of [{}, { kid: ['k1'] }, { kid: { toString: 'k1' } }, { kid: 1 }]) {
      expectRefused(
        () => verifier.verify(sign(header)),
        ErrorKind.Unauthenticated,
        'Token has some errors.',
      );
    }
  });

  it('refuses RS384 and PS256 signed with the right key', () => {
    const key = keys.signingKey!;
    const { JwtService } = jest.requireActual<typeof import('@nestjs/jwt')>('@nestjs/jwt');
    for (const algorithm of ['RS384', 'PS256'] as const) {
      const token = new JwtService({}).sign(claims, {
        privateKey: key.privateKeyPem,
        algorithm,
        keyid: key.kid,
        expiresIn: 60,
      });
      expectRefused(
        () => verifier.verify(token),
        ErrorKind.Unauthenticated,
        'Token has some errors.',
      );
    }
  });

  it('keeps no clock tolerance: refuses a token at its exp and before its nbf, and takes a future iat', () => {
    const key = keys.signingKey!;
    const { JwtService } = jest.requireActual<typeof import('@nestjs/jwt')>('@nestjs/jwt');
    const sign = (times: object) =>
      new JwtService({}).sign(
        { ...claims, ...times },
        { privateKey: key.privateKeyPem, algorithm: 'RS256', keyid: key.kid },
      );
    expectRefused(
      () => verifier.verify(sign({ iat: now() - 60, exp: now() })),
      ErrorKind.Unauthenticated,
      'Token has some errors.',
    );
    expectRefused(
      () => verifier.verify(sign({ iat: now(), exp: now() + 60, nbf: now() + 5 })),
      ErrorKind.Unauthenticated,
      'Token has some errors.',
    );
    expect(verifier.verify(sign({ iat: now() + 3600, exp: now() + 60 }))).toMatchObject(claims);
  });

  it('hands on an error of the strategy, and an answer after authenticate returned, rather than refusing the token', () => {
    type Done = (error: Error | null, payload?: unknown) => void;
    const strategy = JwtStrategy as unknown as {
      JwtVerifier: (token: string, key: unknown, options: unknown, done: Done) => void;
    };
    const jwtVerifier = jest.spyOn(strategy, 'JwtVerifier');
    try {
      const broken = new Error('claims check broke');
      const payload = {
        get typ(): string {
          throw broken;
        },
      };
      jwtVerifier.mockImplementation((_token, _key, _options, done) => done(null, payload));
      expect(() => verifier.verify(signer.signAccess('1', 's-broken'))).toThrow(broken);
      jwtVerifier.mockImplementation(
        (_token, _key, _options, done) => void setImmediate(() => done(null, claims)),
      );
      expect(() => verifier.verify(signer.signAccess('1', 's-late'))).toThrow(
        'passport-jwt answered after authenticate returned',
      );
    } finally {
      jwtVerifier.mockRestore();
    }
  });

  it('refuses alg:none', () => {
    const token = forge(
      { alg: 'none', typ: 'JWT', kid: 'k1' },
      { ...claims, iat: now(), exp: now() + 60 },
      () => '',
    );
    expectRefused(
      () => verifier.verify(token),
      ErrorKind.Unauthenticated,
      'Token has some errors.',
    );
  });

  it('refuses HS256 signed with the public key (algorithm confusion)', () => {
    const publicPem = keys.publicKey('k1')!;
    const token = forge(
      { alg: 'HS256', typ: 'JWT', kid: 'k1' },
      { ...claims, iat: now(), exp: now() + 60 },
      (input) => createHmac('sha256', publicPem).update(input).digest('base64url'),
    );
    expectRefused(
      () => verifier.verify(token),
      ErrorKind.Unauthenticated,
      'Token has some errors.',
    );
  });

  it('refuses an expired token', () => {
    const expired = new TokenSigner(keys, { accessSeconds: -10, refreshSeconds: 60 }).signAccess(
      '1',
      's',
    );
    expectRefused(
      () => verifier.verify(expired),
      ErrorKind.Unauthenticated,
      'Token has some errors.',
    );
  });

  it('refuses a tampered payload', () => {
    const [header, , signature] = signer.signAccess('1', 's').split('.');
    const payload = base64url(
      JSON.stringify({ ...claims, user_id: '2', iat: now(), exp: now() + 60 }),
    );
    expectRefused(
      () => verifier.verify(`${header}.${payload}.${signature}`),
      ErrorKind.Unauthenticated,
      'Token has some errors.',
    );
  });

  it('refuses an unknown kid and a token signed by another key', () => {
    const other = new TokenSigner(JwtKeySet.generate('k2'));
    expectRefused(
      () => verifier.verify(other.signAccess('1', 's')),
      ErrorKind.Unauthenticated,
      'Token has some errors.',
    );
    const sameKidOtherKey = new TokenSigner(JwtKeySet.generate('k1'));
    expectRefused(
      () => verifier.verify(sameKidOtherKey.signAccess('1', 's')),
      ErrorKind.Unauthenticated,
      'Token has some errors.',
    );
  });

  it('refuses a refresh token used as access token and the reverse', () => {
    expectRefused(
      () => verifier.verifyAs(signer.signRefresh('1', 's').token, 'access'),
      ErrorKind.PermissionDenied,
      'Do not use refresh token.',
    );
    expectRefused(
      () => verifier.verifyAs(signer.signAccess('1', 's'), 'refresh'),
      ErrorKind.PermissionDenied,
      'Wrong refresh token.',
    );
  });

  it('refuses a token whose typ contradicts its refresh flag', () => {
    const key = keys.signingKey!;
    const { JwtService } = jest.requireActual<typeof import('@nestjs/jwt')>('@nestjs/jwt');
    const token = new JwtService({}).sign(
      { ...claims, typ: 'access', refresh: true },
      { privateKey: key.privateKeyPem, algorithm: 'RS256', keyid: key.kid, expiresIn: 60 },
    );
    expectRefused(
      () => verifier.verify(token),
      ErrorKind.Unauthenticated,
      'Token has some errors.',
    );
  });

  it('publishes the public keys as JWKS', () => {
    const jwks = keys.toJwks();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kid: 'k1', kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(JSON.stringify(jwks)).not.toContain('PRIVATE');
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });
});

describe('JwtKeySet', () => {
  const keys = JwtKeySet.generate('k1');

  it('parses each key once, when the set is made', () => {
    expect(keys.verifyingKey('k1')).toMatchObject({ type: 'public', asymmetricKeyType: 'rsa' });
    expect(keys.verifyingKey('k2')).toBeUndefined();
    expect(keys.signingKeyObject).toMatchObject({ type: 'private', asymmetricKeyType: 'rsa' });
    expect(new JwtKeySet(keys.publicKeys).signingKeyObject).toBeUndefined();
  });

  it('fails at once on a malformed key', () => {
    expect(() => new JwtKeySet(new Map([['k1', 'not a key']]))).toThrow();
    expect(
      () => new JwtKeySet(keys.publicKeys, { kid: 'k1', privateKeyPem: 'not a key' }),
    ).toThrow();
  });

  it('fails at once on a private key that is not the pair of its public key (files mixed up in a rotation)', () => {
    const other = JwtKeySet.generate('k1');
    expect(() => new JwtKeySet(keys.publicKeys, other.signingKey)).toThrow(
      'k1.private.pem is not the pair of k1.public.pem',
    );
  });

  it('fails at once on a key that cannot sign or verify RS256: not RSA, or under 2048 bits', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    const short = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    expect(() => new JwtKeySet(new Map([['k2', ec]]))).toThrow(
      'k2.public.pem is no RSA key of 2048 bits or more',
    );
    expect(() => new JwtKeySet(new Map([['k3', short]]))).toThrow(
      'k3.public.pem is no RSA key of 2048 bits or more',
    );
  });
});

describe('parseAuthorization', () => {
  it('tells bearer tokens, anonymous device ids and garbage apart', () => {
    expect(parseAuthorization('Bearer abc.def.ghi')).toEqual({
      kind: 'bearer',
      token: 'abc.def.ghi',
    });
    expect(parseAuthorization('Anony device-1')).toEqual({
      kind: 'anonymous',
      deviceId: 'device-1',
    });
    expect(parseAuthorization('Basic xyz')).toEqual({ kind: 'none' });
    expect(parseAuthorization(undefined)).toEqual({ kind: 'none' });
  });

  it('takes a device id of up to 64 characters, and a longer one as no device id', () => {
    const longest = 'd'.repeat(64);
    expect(parseAuthorization(`Anony ${longest}`)).toEqual({
      kind: 'anonymous',
      deviceId: longest,
    });
    expect(parseAuthorization(`Anony ${longest}d`)).toEqual({ kind: 'none' });
    expect(parseAuthorization(`Anony ${'d'.repeat(16_000)}`)).toEqual({ kind: 'none' });
  });
});
