// `npm run bench:counter-flush [-- --rounds 5 --increments 5000 --redis redis://127.0.0.1:6379/0]`:
// client CPU per increment of a CounterBuffer flush (one script call per counter and 1000 ids)
// against a MULTI of one ZINCRBY per id, the same sums in the same run, interleaved. Keys live
// under a prefix of their own, deleted at the end.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

import { type CounterKey, CounterBuffer, CounterKeys, createRedisClient } from '@app/cache';
import type Redis from 'ioredis';

import { interleavedMedians } from './interleaved';

const FLUSHES_PER_ROUND = 10;
const COUNTERS: CounterKey[] = [
  CounterKeys.articleReads,
  CounterKeys.authorReads,
  CounterKeys.articleRecoExposures,
];

type Variant = 'multi' | 'buffer';
type Sums = Array<[CounterKey, string, number]>;

/** `increments` distinct ids spread over the counters, each with a sum of 1 to 3. */
function sumsOf(increments: number, round: number): Sums {
  return Array.from({ length: increments }, (_, index) => [
    COUNTERS[index % COUNTERS.length],
    String(1_300_000_000_000_000_000n + BigInt(round * increments + index)),
    1 + (index % 3),
  ]);
}

/** The flush before script calls: sums gathered in a map, then one MULTI of ZINCRBYs. */
async function flushWithMulti(redis: Redis, sums: Sums): Promise<void> {
  const pending = new Map<CounterKey, Map<string, number>>();
  for (const [key, id, by] of sums) {
    let counts = pending.get(key);
    if (!counts) pending.set(key, (counts = new Map<string, number>()));
    counts.set(id, (counts.get(id) ?? 0) + by);
  }
  const transaction = redis.multi();
  for (const [key, counts] of pending)
    for (const [id, by] of counts) transaction.zincrby(key, by, id);
  await transaction.exec();
}

async function flushWithBuffer(buffer: CounterBuffer, sums: Sums): Promise<void> {
  for (const [key, id, by] of sums) buffer.add(key, id, by);
  await buffer.flush();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      increments: { type: 'string', default: '5000' },
      redis: { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0' },
    },
  });
  const rounds = Number(values.rounds);
  const increments = Number(values.increments);
  const prefix = `bench-counter-flush-${randomUUID()}:`;
  const redis = createRedisClient(values.redis, prefix);
  const buffer = new CounterBuffer(redis, { flushMs: 60_000 });
  const flush: Record<Variant, (sums: Sums) => Promise<void>> = {
    multi: (sums) => flushWithMulti(redis, sums),
    buffer: (sums) => flushWithBuffer(buffer, sums),
  };
  try {
    // Warm-up: both paths compiled and the script loaded before the first measured round.
    for (const variant of ['multi', 'buffer'] as const)
      for (let i = 0; i < FLUSHES_PER_ROUND; i++) await flush[variant](sumsOf(increments, -1));
    const { multi, buffer: script } = await interleavedMedians(
      rounds,
      ['multi', 'buffer'] as const,
      async (variant, round) => {
        const sums = sumsOf(increments, round);
        const before = process.cpuUsage();
        for (let i = 0; i < FLUSHES_PER_ROUND; i++) await flush[variant](sums);
        const used = process.cpuUsage(before);
        return (used.user + used.system) / (FLUSHES_PER_ROUND * increments);
      },
      (micros) => `${micros.toFixed(2)} µs of client CPU per increment`,
    );
    console.log(
      `median of ${rounds} rounds × ${FLUSHES_PER_ROUND} flushes of ${increments} increments: MULTI ${multi.toFixed(2)} µs, CounterBuffer ${script.toFixed(2)} µs, CounterBuffer ÷ MULTI ${(script / multi).toFixed(2)}`,
    );
  } finally {
    await buffer.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.unlink(...keys.map((key) => key.slice(prefix.length)));
    redis.disconnect();
  }
}

void main();
