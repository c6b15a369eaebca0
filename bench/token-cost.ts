// `npm run bench:token [-- --rounds 5 --tokens 5000]`: CPU of checking a new access token with
// TokenVerifier, and of signing one with TokenSigner, against @nestjs/jwt given the key as PEM
// text (as both did before JwtKeySet parsed its keys once), in the same run, interleaved, one
// process. Every token is checked once, as a token the verifier's cache has not seen yet.
import { parseArgs } from 'node:util';

import { JwtKeySet, TokenSigner, TokenVerifier } from '@app/auth';
import { JwtService } from '@nestjs/jwt';

import { interleavedMedians } from './interleaved';

const USER_ID = '1294287382374383616';

type Variant = 'pem' | 'parsed';

const keys = JwtKeySet.generate('bench-1');
const signingKey = keys.signingKey!;
const signer = new TokenSigner(keys);
const pemJwt = new JwtService({});

const SIGN: Record<Variant, (sid: string) => string> = {
  pem: (sid) =>
    pemJwt.sign(
      { user_id: USER_ID, refresh: false, typ: 'access', sid },
      {
        privateKey: signingKey.privateKeyPem,
        algorithm: 'RS256',
        keyid: signingKey.kid,
        expiresIn: 7200,
      },
    ),
  parsed: (sid) => signer.signAccess(USER_ID, sid),
};

const VERIFY: Record<Variant, () => (token: string) => unknown> = {
  pem: () => (token) =>
    pemJwt.verify(token, { publicKey: keys.publicKey(signingKey.kid), algorithms: ['RS256'] }),
  parsed: () => {
    const verifier = new TokenVerifier(new JwtKeySet(keys.publicKeys));
    return (token) => verifier.verifyAs(token, 'access');
  },
};

function microsEach(work: (index: number) => unknown, count: number): number {
  const before = process.cpuUsage();
  for (let index = 0; index < count; index++) work(index);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      tokens: { type: 'string', default: '5000' },
    },
  });
  const rounds = Number(values.rounds);
  const count = Number(values.tokens);
  // Distinct tokens (one session each), so neither side checks the same token twice.
  const tokens = Array.from({ length: count }, (_, index) =>
    signer.signAccess(USER_ID, `s${index}`),
  );
  for (const variant of ['pem', 'parsed'] as const) {
    microsEach((index) => SIGN[variant](`w${index}`), 200);
    const verify = VERIFY[variant]();
    microsEach((index) => verify(tokens[index]), 500);
  }

  const verified = await interleavedMedians(
    rounds,
    ['pem', 'parsed'] as const,
    (variant) => {
      const verify = VERIFY[variant]();
      return microsEach((index) => verify(tokens[index]), count);
    },
    (micros) => `${micros.toFixed(1)} µs of CPU per token checked`,
  );
  const signed = await interleavedMedians(
    rounds,
    ['pem', 'parsed'] as const,
    (variant) => microsEach((index) => SIGN[variant](`s${index}`), Math.ceil(count / 5)),
    (micros) => `${micros.toFixed(1)} µs of CPU per token signed`,
  );
  console.log(
    `median of ${rounds} rounds, check (${count} tokens): PEM ${verified.pem.toFixed(1)} µs, parsed ${verified.parsed.toFixed(1)} µs, parsed ÷ PEM ${(verified.parsed / verified.pem).toFixed(2)}; ` +
      `sign (${Math.ceil(count / 5)} tokens): PEM ${signed.pem.toFixed(1)} µs, parsed ${signed.parsed.toFixed(1)} µs, parsed ÷ PEM ${(signed.parsed / signed.pem).toFixed(2)}`,
  );
}

void main();
