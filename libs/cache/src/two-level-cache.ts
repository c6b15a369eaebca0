import { Logger, type LoggerService } from '@nestjs/common';
import type Redis from 'ioredis';
import { LRUCache } from 'lru-cache';

import { dropFenced, readFillFences, storeIfFenced, writeFenced } from './fill-fence';
import { LocalGenerations } from './local-generations';
import { readWithin } from './read-within';
import { SingleFlight } from './single-flight';
import { type TtlPolicy, ttlWithJitter } from './ttl';

/** Stored in Redis (and kept in L1) for a row that does not exist, so misses do not reach MySQL. */
export const NULL_MARKER = '-1';

/** Default bound of L1: the heap its entries hold, JSON text and parsed copies (see `entryBytes`). */
export const L1_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Default time later callers join a load in flight: a load still running then (a statement on a
 * MySQL connection that died without a reset waits some 15 minutes for TCP to give up) would
 * otherwise hold every read of its key in the process that long.
 */
export const SHARED_LOAD_MS = 10_000;

export interface CachePolicy {
  /** Redis TTL of a value. */
  ttl: TtlPolicy;
  /** Redis TTL of the null marker. */
  missingTtl: TtlPolicy;
}

export interface TwoLevelCacheOptions {
  /** Entries kept in process. */
  l1Max?: number;
  /** Bytes of heap the entries kept in process hold (`L1_MAX_BYTES`); the least recently used go first. */
  l1MaxBytes?: number;
  /** How long an entry may be served from process memory without asking Redis. */
  l1TtlMs?: number;
  /**
   * How long later callers of a key join its load in flight (`SHARED_LOAD_MS`); past it they load
   * again, while the callers that joined keep waiting for it.
   */
  sharedLoadMs?: number;
  /** Pub/sub channel (already prefixed) on which replicas announce invalidated keys. */
  channel: string;
  logger?: Pick<LoggerService, 'warn'>;
}

/** The pub/sub channel of a deployment's invalidations: ioredis does not prefix channels. */
export function cacheInvalidationChannel(keyPrefix: string): string {
  return `${keyPrefix}cache:invalidate`;
}

/**
 * `TwoLevelCache.invalidate` for a process that has no cache of its own (the demo seed): deletes
 * the keys in Redis behind fresh fill fences and tells every replica to drop its L1 copies.
 */
export async function invalidateCached(redis: Redis, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await dropFenced(redis, keys, {
    channel: cacheInvalidationChannel(redis.options.keyPrefix ?? ''),
    message: JSON.stringify(keys),
  });
}

/**
 * What a load of `getManyWithin` answers: the rows that exist among the ids it read, and the ids
 * it left out (a bound on what one call reads), which are neither cached nor marked missing.
 */
export interface PartialLoad<T> {
  values: Map<string, T>;
  leftOut: ReadonlySet<string>;
}

/**
 * A bound on the bytes one read answers (`getManyWithin`): values are taken in order while their
 * bytes fit, the first always; those of Redis count the bytes of their JSON, which Redis measures
 * before sending any, those this process holds `bytesOf` them.
 */
export interface ReadBound<T> {
  bytes: number;
  bytesOf: (value: T) => number;
}

/** `peekMany` within a `ReadBound`: the indexes of the keys left out, and the bytes left. */
export interface BoundedPeek<T> {
  values: (T | null | undefined)[];
  leftOut: ReadonlySet<number>;
  room: number;
}

/** What a shared load of `getMany` answers for an id its `PartialLoad` left out. */
const LEFT_OUT = Symbol('left out');

/** `parsed` memoises JSON.parse of `value`: hot entries are parsed once, not on every hit. */
type Entry = { value: string; parsed?: unknown } | { missing: true };

/**
 * Read-through cache in two levels: an in-process LRU with a short TTL over Redis (the cache
 * role) with jittered TTLs. Missing rows are cached as a null marker (penetration); concurrent
 * misses of one key share one load per process (stampede); invalidations delete the Redis key
 * and are broadcast so every replica drops its L1 copy at once.
 *
 * A fill never stores what it read before an invalidation of its key: in Redis the invalidation
 * replaces the key's fence, which the fill read before loading and its write checks atomically;
 * in process the invalidation (local or broadcast) advances the key's generation, which the fill
 * checks before keeping the value, and ends the key's shared load, so callers that come after it
 * load again. A fill that lost answers its own callers with what it read and stores nothing.
 */
export class TwoLevelCache {
  private readonly l1: LRUCache<string, Entry>;
  private readonly loads: SingleFlight<string | null>;
  /** Loads of `getMany` in flight, by key: the value, or null when the row does not exist. */
  private readonly manyLoads: SingleFlight<unknown>;
  private readonly channel: string;
  private readonly generations: LocalGenerations;
  private readonly logger: Pick<LoggerService, 'warn'>;

  /**
   * @param redis cache-role client (with the deployment key prefix)
   * @param subscriber a dedicated connection for the invalidation channel (it enters subscriber mode)
   */
  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    options: TwoLevelCacheOptions,
  ) {
    this.l1 = new LRUCache({
      max: options.l1Max ?? 10_000,
      maxSize: options.l1MaxBytes ?? L1_MAX_BYTES,
      sizeCalculation: entryBytes,
      ttl: options.l1TtlMs ?? 5_000,
      // An entry whose time ran out stays until it is read again (see `keep`) or evicted.
      noDeleteOnStaleGet: true,
    });
    this.channel = options.channel;
    const sharedLoadMs = options.sharedLoadMs ?? SHARED_LOAD_MS;
    this.loads = new SingleFlight(sharedLoadMs);
    this.manyLoads = new SingleFlight(sharedLoadMs);
    this.logger = options.logger ?? new Logger('TwoLevelCache');
    this.generations = new LocalGenerations(options.l1Max);
  }

  /** Starts listening for other replicas' invalidations. */
  async start(): Promise<void> {
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      const keys = invalidatedKeys(message);
      if (keys) for (const key of keys) this.dropLocal(key);
      else this.logger.warn(`ignored a message on ${channel} that is not a JSON list of keys`);
    });
    // SUBSCRIBE sent before ioredis' ready check (INFO) makes that check fail and the
    // subscription is silently lost; so wait for `ready` first.
    if (this.subscriber.status !== 'ready') {
      await new Promise<void>((resolve, reject) => {
        this.subscriber.once('ready', () => resolve());
        this.subscriber.once('end', () =>
          reject(new Error('cache invalidation subscriber closed before ready')),
        );
      });
    }
    await this.subscriber.subscribe(this.channel);
  }

  /** The cached JSON value of `key`, loading it with `load` (null = the row does not exist) on a miss. */
  async get<T>(key: string, load: () => Promise<T | null>, policy: CachePolicy): Promise<T | null> {
    const raw = await this.getRaw(
      key,
      async () => {
        const value = await load();
        return value === null ? null : JSON.stringify(value);
      },
      policy,
    );
    return raw === null ? null : (JSON.parse(raw) as T);
  }

  /**
   * Cached values of many keys from L1 and one Redis MGET; `undefined` where neither level has
   * the key (the caller loads those), `null` where a null marker says the row does not exist.
   * Values are parsed once and shared by every caller: treat them as read-only.
   */
  async peekMany<T>(keys: readonly string[]): Promise<(T | null | undefined)[]> {
    const results = new Array<T | null | undefined>(keys.length);
    const misses: number[] = [];
    keys.forEach((key, index) => {
      const entry = this.l1.get(key);
      if (entry) results[index] = this.parsedValue(key, entry) as T | null;
      else misses.push(index);
    });
    if (misses.length === 0) return results;
    const generation = this.generations.current();
    const values = await this.redis.mget(misses.map((index) => keys[index]));
    values.forEach((value, position) => {
      const index = misses[position];
      if (value === null) {
        results[index] = undefined;
        return;
      }
      const entry = this.keep(keys[index], value, generation);
      results[index] = this.parsedValue(keys[index], entry) as T | null;
    });
    return results;
  }

  /**
   * Read-through for many rows: values by id from L1 and one MGET; the ids neither level holds are
   * loaded with one `load` call (it answers the rows that exist) and cached, the ids it does not
   * answer as null markers. Ids already being loaded by another call in this process wait for that
   * load instead of loading again (and load themselves the ids a `getManyWithin` load left out).
   */
  async getMany<T>(
    ids: readonly string[],
    keyOf: (id: string) => string,
    load: (ids: string[]) => Promise<Map<string, T>>,
    policy: CachePolicy,
  ): Promise<Map<string, T | null>> {
    const { values, leftOut } = await this.getManyWithin(
      ids,
      keyOf,
      async (misses) => ({ values: await load(misses), leftOut: new Set<string>() }),
      policy,
    );
    if (leftOut.length > 0) {
      for (const [id, value] of await this.getMany(leftOut, keyOf, load, policy))
        values.set(id, value);
    }
    return values;
  }

  /**
   * `getMany` with a load that may leave ids out (`PartialLoad`): those are neither cached nor
   * marked missing, and are answered in `leftOut` (as are those of another call's such load joined).
   * With a `bound`, the cached values are read within it (`peekManyWithin`), those left out are
   * answered in `leftOut` too, and `load` is given the bytes the values read left.
   */
  async getManyWithin<T>(
    ids: readonly string[],
    keyOf: (id: string) => string,
    load: (ids: string[], room: number) => Promise<PartialLoad<T>>,
    policy: CachePolicy,
    bound?: ReadBound<T>,
  ): Promise<{ values: Map<string, T | null>; leftOut: string[] }> {
    const keys = ids.map(keyOf);
    const cached: BoundedPeek<T> = bound
      ? await this.peekManyWithin(keys, bound)
      : {
          values: await this.peekMany<T>(keys),
          leftOut: new Set(),
          room: Number.POSITIVE_INFINITY,
        };
    const values = new Map<string, T | null>();
    const leftOut = new Set<string>();
    const misses: Array<{ id: string; key: string }> = [];
    ids.forEach((id, index) => {
      const value = cached.values[index];
      if (cached.leftOut.has(index)) leftOut.add(id);
      else if (value === undefined) misses.push({ id, key: keys[index] });
      else values.set(id, value);
    });
    if (misses.length === 0) return { values, leftOut: [...leftOut] };
    // An id asked for twice is loaded once.
    const notLoading = [
      ...new Map(
        misses.filter(({ key }) => !this.manyLoads.pending(key)).map((miss) => [miss.key, miss]),
      ).values(),
    ];
    if (notLoading.length > 0) {
      const loading = this.loadAndFill(notLoading, (loadIds) => load(loadIds, cached.room), policy);
      for (const { id, key } of notLoading) {
        void this.manyLoads.run(key, () =>
          loading.then((loaded) =>
            loaded.leftOut.has(id) ? LEFT_OUT : (loaded.values.get(id) ?? null),
          ),
        );
      }
    }
    const loaded = await Promise.all(
      misses.map(({ key }) => this.manyLoads.pending(key) as Promise<unknown>),
    );
    misses.forEach(({ id }, index) => {
      const value = loaded[index];
      if (value === LEFT_OUT) leftOut.add(id);
      else values.set(id, value as T | null);
    });
    return { values, leftOut: [...leftOut] };
  }

  /**
   * `peekMany` within `bound`, in one round trip (none when L1 holds every key): Redis measures
   * each value before it sends it, so a batch of large values sends only those that fit.
   */
  async peekManyWithin<T>(keys: readonly string[], bound: ReadBound<T>): Promise<BoundedPeek<T>> {
    const held = keys.map((key) => {
      const entry = this.l1.get(key);
      return entry && { value: this.parsedValue(key, entry) as T | null };
    });
    const generation = this.generations.current();
    const read = await readWithin(
      this.redis,
      keys,
      held.map((entry) => entry && (entry.value === null ? 0 : bound.bytesOf(entry.value))),
      bound.bytes,
    );
    const values = keys.map((key, index) => {
      const entry = held[index];
      if (entry) return read.leftOut.has(index) ? undefined : entry.value;
      const raw = read.values[index];
      return raw === null
        ? undefined
        : (this.parsedValue(key, this.keep(key, raw, generation)) as T | null);
    });
    return { values, leftOut: read.leftOut, room: read.room };
  }

  /** `peekMany` of one key, without the batch's arrays when L1 holds it (the article page's hot path). */
  async peek<T>(key: string): Promise<T | null | undefined> {
    const local = this.peekLocal<T>(key);
    if (local !== undefined) return local;
    return (await this.peekMany<T>([key]))[0];
  }

  /**
   * The value of `key` if this process holds it (null for a null marker), without asking Redis.
   * `allowStale`: also a copy whose L1 time has run out, which no invalidation has dropped (to
   * tell whether something built from it is still current: the same object while it is).
   */
  peekLocal<T>(
    key: string,
    { allowStale = false }: { allowStale?: boolean } = {},
  ): T | null | undefined {
    const entry = allowStale ? this.l1.peek(key, { allowStale }) : this.l1.get(key);
    return entry ? (this.parsedValue(key, entry) as T | null) : undefined;
  }

  /** Whether this process holds `key` in L1 (diagnostics and tests of invalidation). */
  hasLocal(key: string): boolean {
    return this.l1.has(key);
  }

  /**
   * Writes a value its writer has just stored in the source to Redis and this process's L1; a fill
   * that read the row before does not overwrite it. Other replicas' L1 copies live out their TTL:
   * use `invalidate` where they must not.
   */
  async set(key: string, value: unknown, policy: CachePolicy): Promise<void> {
    const raw = value === null ? NULL_MARKER : JSON.stringify(value);
    this.dropLocal(key);
    const generation = this.generations.current();
    await writeFenced(
      this.redis,
      key,
      raw,
      ttlWithJitter(value === null ? policy.missingTtl : policy.ttl),
    );
    this.keep(key, raw, generation);
  }

  /**
   * Deletes the keys in Redis and in every replica's L1 (delete-after-write); fills that read
   * them before do not store what they read.
   */
  async invalidate(...keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    for (const key of keys) this.dropLocal(key);
    await dropFenced(this.redis, keys, { channel: this.channel, message: JSON.stringify(keys) });
  }

  private async getRaw(
    key: string,
    load: () => Promise<string | null>,
    policy: CachePolicy,
  ): Promise<string | null> {
    const entry = this.l1.get(key);
    if (entry) return 'missing' in entry ? null : entry.value;
    return this.loads.run(key, () => this.readThrough(key, load, policy));
  }

  private async readThrough(
    key: string,
    load: () => Promise<string | null>,
    policy: CachePolicy,
  ): Promise<string | null> {
    const generation = this.generations.current();
    const cached = await this.redis.get(key);
    if (cached !== null) {
      this.keep(key, cached, generation);
      return cached === NULL_MARKER ? null : cached;
    }
    const [fence] = await readFillFences(this.redis, [key]);
    const loaded = await load();
    const raw = loaded ?? NULL_MARKER;
    const ttlSeconds = ttlWithJitter(loaded === null ? policy.missingTtl : policy.ttl);
    const [stored] = await storeIfFenced(this.redis, [{ key, value: raw, ttlSeconds, fence }]);
    if (stored) this.keep(key, raw, generation);
    return loaded;
  }

  private async loadAndFill<T>(
    misses: ReadonlyArray<{ id: string; key: string }>,
    load: (ids: string[]) => Promise<PartialLoad<T>>,
    policy: CachePolicy,
  ): Promise<PartialLoad<T>> {
    const generation = this.generations.current();
    const fences = await readFillFences(
      this.redis,
      misses.map(({ key }) => key),
    );
    const loaded = await load(misses.map(({ id }) => id));
    const fills = misses.flatMap(({ id, key }, index) => {
      if (loaded.leftOut.has(id)) return [];
      const value = loaded.values.get(id);
      return value === undefined
        ? {
            key,
            value: NULL_MARKER,
            ttlSeconds: ttlWithJitter(policy.missingTtl),
            fence: fences[index],
          }
        : {
            key,
            value: JSON.stringify(value),
            ttlSeconds: ttlWithJitter(policy.ttl),
            fence: fences[index],
          };
    });
    const stored = fills.length > 0 ? await storeIfFenced(this.redis, fills) : [];
    fills.forEach(({ key, value }, index) => {
      if (stored[index]) this.keep(key, value, generation);
    });
    return loaded;
  }

  /** Forgets this process's copy and shared loads of `key`; fills in flight will not keep theirs. */
  private dropLocal(key: string): void {
    this.generations.drop(key);
    this.l1.delete(key);
    this.loads.forget(key);
    this.manyLoads.forget(key);
  }

  /**
   * Keeps `raw` in L1 unless `key` was invalidated since `generation`; the entry either way. A
   * value read again unchanged after its L1 time ran out keeps its entry, so callers get the same
   * object, parsed once, and what they built from it (keyed by it) stays valid.
   */
  private keep(key: string, raw: string, generation: number): Entry {
    const held = this.l1.peek(key, { allowStale: true });
    const entry = held && holdsRaw(held, raw) ? held : entryOf(raw);
    if (!this.generations.droppedSince(key, generation)) this.l1.set(key, entry);
    return entry;
  }

  /**
   * The entry's value, parsed once and kept on it; null for a null marker. Once parsed, the entry
   * held for `key` counts its parsed copy too: lru-cache sizes what is set, so it is set again, as
   * a copy (the same object would keep its size), its L1 time left as it was.
   */
  private parsedValue(key: string, entry: Entry): unknown {
    if ('missing' in entry) return null;
    if (entry.parsed === undefined) {
      entry.parsed = JSON.parse(entry.value);
      if (this.l1.peek(key, { allowStale: true }) === entry) {
        this.l1.set(key, { ...entry }, { noUpdateTTL: true });
      }
    }
    return entry.parsed;
  }
}

/** A character V8 cannot keep in one byte: a string holding one takes two bytes a character. */
const TWO_BYTE_CHARACTER = /[\u0100-\uffff]/;

/** The bytes V8 holds for the characters of `text` (the test fails at once on a one-byte string). */
function textBytes(text: string): number {
  return TWO_BYTE_CHARACTER.test(text) ? 2 * text.length : text.length;
}

/**
 * What an entry counts against `l1MaxBytes`, the heap it holds, estimated without walking the
 * value: its JSON text as V8 keeps it (one byte a character, two where any is outside Latin-1,
 * as Chinese is), as much again for its parsed copy once there is one (the same strings, whose
 * objects about take the JSON's punctuation and names), and a little for the entry itself.
 * Entry counts alone let 10 000 articles of 1 MiB take the process past its heap limit; the JSON
 * alone, at two bytes a character, let parsed Chinese articles hold twice the bound.
 */
function entryBytes(entry: Entry, key: string): number {
  if ('missing' in entry) return key.length + 64;
  const text = textBytes(entry.value);
  return key.length + (entry.parsed === undefined ? text : 2 * text) + 64;
}

/**
 * The keys an invalidation message names, undefined when it is not a JSON list of them: thrown
 * from the subscriber's handler, a message typed by hand or sent by another release would end
 * every replica at once.
 */
function invalidatedKeys(message: string): string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return undefined;
  }
  return Array.isArray(parsed) && parsed.every((key) => typeof key === 'string')
    ? parsed
    : undefined;
}

function entryOf(raw: string): Entry {
  return raw === NULL_MARKER ? { missing: true } : { value: raw };
}

function holdsRaw(entry: Entry, raw: string): boolean {
  return 'missing' in entry ? raw === NULL_MARKER : entry.value === raw;
}
