/**
 * Measures the heap an L1 holds, in a process of its own (`node --expose-gc`), so that nothing
 * else running in a jest worker (another file's timers, clients, module registries) allocates or
 * frees heap between the two readings. Prints one JSON line: see `L1HeapProbeResult`.
 *
 * Environment: PROBE_REDIS_URL, PROBE_PREFIX, PROBE_SCRIPT (Chinese | ASCII),
 * PROBE_READ (parsed | json), PROBE_BUDGET (bytes).
 */
import { closeRedisClient, createRedisClient } from '../redis-roles';
import { CacheTtl } from '../ttl';
import { TwoLevelCache } from '../two-level-cache';

export type Script = 'Chinese' | 'ASCII';
export type Read = 'parsed' | 'json';

export interface L1HeapProbeResult {
  articles: number;
  /** Entries L1 held once every article had been read. */
  heldEntries: number;
  /** Entries L1 held once they were all invalidated. */
  heldAfterInvalidate: number;
  /** Heap freed by dropping L1's entries, in bytes. */
  freedBytes: number;
}

const POLICY = { ttl: CacheTtl.articleDetail, missingTtl: CacheTtl.articleInfoMissing };

/** `length` characters of Chinese (CJK ideographs) or ASCII text, different for each `seed`. */
function text(script: Script, length: number, seed: number): string {
  const chars: string[] = [];
  let state = seed + 1;
  for (let index = 0; index < length; index++) {
    state = (state * 1_103_515_245 + 12_345) & 0x7fffffff;
    chars.push(
      String.fromCharCode(script === 'Chinese' ? 0x4e00 + (state % 20_000) : 0x61 + (state % 26)),
    );
  }
  return chars.join('');
}

/** An article's cached detail, its content some 20 000 characters long. */
function article(script: Script, content: string, id: number): Record<string, unknown> {
  return {
    art_id: String(1_300_000_000_000_000_000n + BigInt(id)),
    title: text(script, 30, id),
    content: `${text(script, 10, id)}${content}`,
    cover: { type: 1, images: [`http://toutiao.example/covers/${id}.jpg`] },
    aut_id: '1294287382374383616',
    ch_id: 3,
    allow_comm: true,
    pubdate: '2026-12-07T12:00:00.000Z',
  };
}

/** Heap in use once garbage is collected (twice: the first pass may only queue finalizers). */
function heapHeld(collect: () => void): number {
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

async function main(): Promise<void> {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with node --expose-gc');
  const script = required('PROBE_SCRIPT') as Script;
  const read = required('PROBE_READ') as Read;
  const budget = Number(required('PROBE_BUDGET'));
  const url = required('PROBE_REDIS_URL');
  const prefix = required('PROBE_PREFIX');

  const content = text(script, 20_000, 0);
  // Its JSON alone takes this much heap (V8 keeps Chinese at two bytes a character, ASCII at
  // one): more of them than the budget holds.
  const jsonBytes =
    (script === 'Chinese' ? 2 : 1) * JSON.stringify(article(script, content, 0)).length;
  const articles = Math.ceil((1.25 * budget) / jsonBytes);
  const keys = Array.from({ length: articles }, (_, index) => `${script}:${read}:${index}`);

  const redis = createRedisClient(url, prefix);
  const subscriber = createRedisClient(url, prefix, { enableAutoPipelining: false });
  try {
    for (let start = 0; start < articles; start += 50) {
      const multi = redis.multi();
      for (let index = start; index < Math.min(start + 50, articles); index++) {
        multi.set(keys[index], JSON.stringify(article(script, content, index)), 'EX', 600);
      }
      await multi.exec();
    }
    const cache = new TwoLevelCache(redis, subscriber, {
      channel: `${prefix}cache:invalidate`,
      l1TtlMs: 60_000,
      l1MaxBytes: budget,
    });
    await cache.start();

    for (let start = 0; start < articles; start += 50) {
      const batch = keys.slice(start, start + 50);
      if (read === 'parsed') {
        const found = await cache.peekMany(batch);
        if (found.includes(undefined)) throw new Error('an article was not found');
      } else {
        for (const key of batch) {
          if ((await cache.get(key, () => Promise.resolve(null), POLICY)) === null) {
            throw new Error(`${key} was not found`);
          }
        }
      }
    }
    const heldEntries = keys.filter((key) => cache.hasLocal(key)).length;
    const held = heapHeld(collect);
    await cache.invalidate(...keys);
    const freedBytes = held - heapHeld(collect);
    const heldAfterInvalidate = keys.filter((key) => cache.hasLocal(key)).length;
    await redis.del(...keys);

    const result: L1HeapProbeResult = { articles, heldEntries, heldAfterInvalidate, freedBytes };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await closeRedisClient(subscriber);
    await closeRedisClient(redis);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
  process.exitCode = 1;
});
