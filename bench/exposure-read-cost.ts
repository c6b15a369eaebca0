// `npm run bench:exposures [-- --rounds 5 --reads 1000 --redis redis://127.0.0.1:6379/0]`: what a
// draw of the recommend service pays to read a reader's exposures and walk the pool past them,
// for a reader who has seen 400 articles (a quick-size channel's pool) and 2000 (a full one,
// RECO_CANDIDATES_PER_CHANNEL): `FeedHistoryStore.read` with the exposures kept as four-byte
// prints, against the set of ids it read before (SMEMBERS made a Set), in the same run,
// interleaved. Client CPU from process.cpuUsage, Redis' from INFO commandstats; keys under a
// prefix of their own, deleted at the end.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

import { createRedisClient, execReplies } from '@app/cache';
import type Redis from 'ioredis';

import { RecoKeys } from '../apps/recommend/src/candidates/reco-keys';
import {
  exposurePrint,
  type Exposures,
  packPrints,
  type PrintedEntry,
} from '../apps/recommend/src/feed/exposure-prints';
import { drawBatch } from '../apps/recommend/src/feed/exposure.util';
import { FeedHistoryStore } from '../apps/recommend/src/feed/feed-history.store';
import { interleavedMedians } from './interleaved';

type Variant = 'set' | 'prints';
type Entry = PrintedEntry & { createdMs: number };

const CHANNEL = 4;
const DRAW = 100;
const WINDOW = 200;

/** The pool newest first; the reader has seen its newest `seen` articles. */
function poolOf(size: number): Entry[] {
  return Array.from({ length: size }, (_, index) => {
    const id = String(1_500_000_000_000_000_000n + BigInt(size - index) * 7919n);
    return { id, print: exposurePrint(id), createdMs: size - index };
  });
}

/** What the store read before: the same batches, and the exposures as a set of ids. */
async function readAsSet(redis: Redis, reader: string): Promise<Exposures> {
  const batches = RecoKeys.batches(reader, CHANNEL);
  const [, , seen, seenBefore] = (await execReplies(
    redis
      .pipeline()
      .zrevrange(batches, 0, 0)
      .zrevrangebyscore(batches, Date.now(), '-inf', 'LIMIT', 0, 2)
      .smembers(RecoKeys.seen(reader, CHANNEL))
      .zrange(RecoKeys.exposedBefore(reader, CHANNEL), 0, -1),
  )) as string[][];
  const exposed = new Set(seen);
  for (const id of seenBefore) exposed.add(id);
  return { has: (entry) => exposed.has(entry.id) };
}

async function redisMicros(redis: Redis): Promise<number> {
  const stats = await redis.info('commandstats');
  let micros = 0;
  for (const match of stats.matchAll(/^cmdstat_\w+:calls=\d+,usec=(\d+),/gm))
    micros += Number(match[1]);
  return micros;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      reads: { type: 'string', default: '1000' },
      redis: { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0' },
    },
  });
  const rounds = Number(values.rounds);
  const reads = Number(values.reads);
  const prefix = `bench-exposures-${randomUUID()}:`;
  const redis = createRedisClient(values.redis, prefix);
  const store = new FeedHistoryStore(redis, {
    RECO_BATCH_HISTORY_SIZE: 50,
    RECO_HISTORY_TTL_SECONDS: 600,
    RECO_CANDIDATES_PER_CHANNEL: 2000,
  });
  const summary: string[] = [];
  try {
    for (const seen of [400, 2000]) {
      const pool = poolOf(seen + WINDOW);
      const shown = pool.slice(0, seen).map((entry) => entry.id);
      const readers: Record<Variant, string> = { set: `set-${seen}`, prints: `prints-${seen}` };
      await redis.sadd(RecoKeys.seen(readers.set, CHANNEL), ...shown);
      await redis.set(RecoKeys.shown(readers.prints, CHANNEL), packPrints(shown));
      const read: Record<Variant, () => Promise<Exposures>> = {
        set: () => readAsSet(redis, readers.set),
        prints: async () => (await store.read(readers.prints, CHANNEL, Date.now())).exposed,
      };
      const drawOnce = async (variant: Variant): Promise<void> => {
        const drawn = drawBatch(pool, await read[variant](), DRAW, WINDOW, (entries, top) =>
          entries.slice(0, top).map((entry) => entry.id),
        );
        if (drawn.ids.length !== DRAW || drawn.restarted)
          throw new Error(`${variant} drew ${drawn.ids.length}`);
      };
      for (const variant of ['set', 'prints'] as const)
        for (let i = 0; i < 200; i++) await drawOnce(variant);

      const redisCost: Record<Variant, number[]> = { set: [], prints: [] };
      const client = await interleavedMedians(
        rounds,
        ['set', 'prints'] as const,
        async (variant) => {
          const redisBefore = await redisMicros(redis);
          const before = process.cpuUsage();
          for (let i = 0; i < reads; i++) await drawOnce(variant);
          const used = process.cpuUsage(before);
          redisCost[variant].push((await redisMicros(redis)) - redisBefore);
          return (used.user + used.system) / reads;
        },
        (micros) => `${seen} seen: ${micros.toFixed(1)} µs of client CPU per read and walk`,
      );
      const redisMedian = (variant: Variant) =>
        [...redisCost[variant]].sort((a, b) => a - b)[Math.floor(rounds / 2)] / reads;
      summary.push(
        `${seen} seen: set ${client.set.toFixed(1)} µs, prints ${client.prints.toFixed(1)} µs, prints ÷ set ${(client.prints / client.set).toFixed(2)} (Redis ${redisMedian('set').toFixed(1)} and ${redisMedian('prints').toFixed(1)} µs)`,
      );
    }
    console.log(`median of ${rounds} rounds × ${reads} reads, client CPU: ${summary.join('; ')}`);
  } finally {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.unlink(...keys.map((key) => key.slice(prefix.length)));
    redis.disconnect();
  }
}

void main();
