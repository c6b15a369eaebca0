// `npm run bench [-- --size quick|full --rounds 3 --duration 5 --warmup 10 --connections 32 --only E1,E3 --profile [E1] --profile-app gateway --reseed --no-pin]`
// Seeds a private dataset, starts user/news/recommend/gateway from dist, and measures every endpoint
// against two bare-Node baselines and the apps' framework with an empty handler, in the same run,
// interleaved. See bench/README.md.
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

import { ensureDevelopmentKeys, JwtKeySet, SessionStore, TokenSigner } from '@app/auth';
import { createRedisClient } from '@app/cache';
import Redis from 'ioredis';

import { cachedBodyKey } from './cached-body';
import {
  articleId,
  type BenchSize,
  DATASETS,
  databaseName,
  type DatasetSpec,
  isApproved,
  popularityOrder,
  userId,
} from './dataset';
import {
  compareFeedScaling,
  feedScalingMarkdown,
  measuredFeedRows,
  newestFeedRun,
  otherSize,
} from './feed-scaling';
import type { GrpcPlan, HttpPlan, LoadPlan } from './load-plan';
import { type BenchRedis, type Measurement, measure, type Server } from './measure';
import {
  type Child,
  mariadbPid,
  peakRssMiB,
  pidOf,
  ROOT,
  stopAll,
  stopChild,
  waitForPort,
  waitUntilIdle,
} from './processes';
import { seededRandom, zipfSampler } from './prng';
import { summarizeByArea, summarizeProfile } from './profile-summary';
import {
  boundingBaseline,
  markdownTable,
  netCounts,
  type Row,
  rowOf,
  type Target,
  targetText,
  verdictOf,
} from './report';
import {
  connectMysql,
  dropDatabase,
  isSeeded,
  type MysqlTarget,
  seedDatabase,
  seedRedisState,
} from './seed';
import {
  allocatePorts,
  APP_NAMES,
  type AppName,
  type BaselineName,
  benchEnv,
  migrate,
  pinning,
  startApp,
  startBaseline,
  startFrameworkBaseline,
  startRedis,
  startServiceBaseline,
  type SuitePorts,
  waitReady,
} from './suite';

interface Options {
  size: BenchSize;
  rounds: number;
  duration: number;
  /** Seconds of load per server and endpoint before round 1, until V8 has compiled what it serves. */
  warmup: number;
  connections: number;
  /** Endpoint to profile an app on (`--profile` alone: E3). */
  profile: string | undefined;
  /** The app profiled (`--profile-app`, default gateway). */
  profileApp: AppName;
  reseed: boolean;
  pin: boolean;
  /** Endpoint keys to run (e.g. E1,E2 for the feed-scaling comparison); all when empty. */
  only: string[];
}

function parseOptions(argv: string[]): Options {
  const value = (name: string): string | undefined => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0
      ? argv[index + 1]
      : argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
  };
  const size = (value('size') ?? 'quick') as BenchSize;
  if (!(size in DATASETS)) throw new Error(`--size must be quick or full, got ${size}`);
  return {
    size,
    rounds: Number(value('rounds') ?? 3),
    duration: Number(value('duration') ?? (size === 'quick' ? 5 : 10)),
    warmup: Number(value('warmup') ?? 10),
    connections: Number(value('connections') ?? 32),
    profile: argv.includes('--profile')
      ? /^[A-Z]\d\w*$/.test(value('profile') ?? '')
        ? value('profile')
        : 'E3'
      : undefined,
    profileApp: profileAppOf(value('profile-app')),
    reseed: argv.includes('--reseed'),
    pin: !argv.includes('--no-pin'),
    only: (value('only') ?? '').split(',').filter(Boolean),
  };
}

function profileAppOf(name: string | undefined): AppName {
  if (name === undefined) return 'gateway';
  if (!(APP_NAMES as readonly string[]).includes(name))
    throw new Error(`--profile-app must be one of ${APP_NAMES.join(', ')}, got ${name}`);
  return name as AppName;
}

interface FeedCounts {
  /** `feed_recommend_fallback_total` by reason (timeout, unavailable, error). */
  fallbacks: Record<string, number>;
  /** `feed_recommend_calls_total`, all results. */
  recommendCalls: number;
}

/** The gateway's feed counters. */
async function feedCounts(ports: SuitePorts): Promise<FeedCounts> {
  const text = await (await fetch(`http://127.0.0.1:${ports.gateway}/metrics`)).text();
  const byLabel = (metric: string): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const match of text.matchAll(new RegExp(`^${metric}\\{[^"]*"([^"]*)"\\} (\\d+)$`, 'gm')))
      counts[match[1]] = Number(match[2]);
    return counts;
  };
  const total = (counts: Record<string, number>): number =>
    Object.values(counts).reduce((sum, count) => sum + count, 0);
  return {
    fallbacks: byLabel('feed_recommend_fallback_total'),
    recommendCalls: total(byLabel('feed_recommend_calls_total')),
  };
}

/** What the counters grew by, per label, leaving out those that did not. */
function grownBy(
  after: Record<string, number>,
  before: Record<string, number>,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .map(([label, count]): [string, number] => [label, count - (before[label] ?? 0)])
      .filter(([, grown]) => grown > 0),
  );
}

const log = (line: string): void => console.log(`[bench] ${line}`);

/**
 * E1r's pace: well below what the suite serves, so each device and channel is asked again about
 * every two seconds (26 devices × 26 channels), as readers do, and latency is not a queue's.
 */
const PACED_FEED_RATE = 300;

/** The warm-up runs every server and endpoint this many times, for a share of `--warmup` each. */
const WARM_PASSES = 2;

/** One endpoint under test: how to load it, which servers serve it, and its target ratio to L2. */
interface Endpoint {
  key: string;
  label: string;
  servers: AppName[];
  plan: (round: number) => LoadPlan;
  probe: () => Promise<{ ok: boolean; body: Buffer; note?: string }>;
  target?: Target;
  /** Needs at least one Redis round trip per request: L4 (the framework plus one GET) bounds it. */
  readsRedis?: true;
  /**
   * Must ask a gRPC service on each request (a miss of the gateway's cache): L5 (the framework, a GET
   * that misses, and one call to a service that answers with one GET) bounds it.
   */
  asksService?: true;
  /** Warmed up before round 1 (not for cold-cache runs). */
  warm: boolean;
  /** Run once before the warm-up, to fill the caches the rounds read. */
  fillPlan?: () => LoadPlan;
  /** Feed rows: answers that fell back to the latest articles are counted (they are 200s too). */
  feed?: true;
  /**
   * One of the warm-up's runs (default: the plan for `seconds`). Where the rounds depend on what the
   * servers remember of a viewer (the feed) or of an id (a miss), it asks for viewers or ids of its own.
   */
  warmPlan?: (seconds: number, pass: number) => LoadPlan;
}

interface RequestPools {
  hotDraws: string[];
  coldIds: string[];
  tokens: string[];
  /** Signed-in users of the warm-up only. */
  warmTokens: string[];
  userIds: string[];
}

function requestPools(spec: DatasetSpec, tokens: string[], warmTokens: string[]): RequestPools {
  const random = seededRandom(spec.seed ^ 0xbe4c);
  const order = popularityOrder(spec);
  const pick = zipfSampler(spec.articles, spec.zipfS, random);
  const hotDraws: string[] = [];
  const hot = new Set<number>();
  for (let i = 0; i < 20_000; i++) {
    let index = order[pick()];
    if (!isApproved(index)) index -= 1;
    hot.add(index);
    hotDraws.push(articleId(index));
  }
  // Cold ids: least popular first, never drawn as hot, not the sticky top articles, not the newest (the feed shows those).
  const coldIds: string[] = [];
  for (let rank = spec.articles - 1; rank >= 0; rank--) {
    const index = order[rank];
    if (isApproved(index) && !hot.has(index) && index >= 100 && index < spec.articles - 2_000)
      coldIds.push(articleId(index));
  }
  const userIds = Array.from({ length: Math.min(spec.users, 1_000) }, (_, i) => userId(i));
  return { hotDraws, coldIds, tokens, warmTokens, userIds };
}

async function httpProbe(
  url: string,
  init: RequestInit = {},
): Promise<{ ok: boolean; body: Buffer; note?: string }> {
  try {
    const response = await fetch(url, init);
    const body = Buffer.from(await response.arrayBuffer());
    const ok = response.status >= 200 && response.status < 300;
    return {
      ok,
      body,
      note: ok ? undefined : `HTTP ${response.status} ${body.toString().slice(0, 120)}`,
    };
  } catch (error) {
    return { ok: false, body: Buffer.alloc(0), note: String(error) };
  }
}

function endpoints(
  spec: DatasetSpec,
  ports: SuitePorts,
  pools: RequestPools,
  options: Options,
): Endpoint[] {
  const base = `http://127.0.0.1:${ports.gateway}`;
  const http = (seed: number, rest: Partial<HttpPlan> & Pick<HttpPlan, 'paths'>): HttpPlan => ({
    kind: 'http',
    url: base,
    connections: options.connections,
    duration: options.duration,
    seed,
    order: 'random',
    headerSets: [],
    ...rest,
  });
  const feedPaths = Array.from(
    { length: spec.channels + 1 },
    (_, c) => `/app/v1_1/articles?channel_id=${c}&timestamp={ts}&with_top=1`,
  );
  const anonymous = Array.from({ length: 1_000 }, (_, i) => ({
    authorization: `Anony bench-device-${i}`,
  }));
  const pacedReaders = Array.from({ length: 26 }, (_, i) => ({
    authorization: `Anony bench-reader-${i}`,
  }));
  const bearer = pools.tokens.map((token) => ({ authorization: `Bearer ${token}` }));
  const warmDevices = Array.from({ length: 1_000 }, (_, i) => ({
    authorization: `Anony bench-warm-device-${i}`,
  }));
  const warmBearer = pools.warmTokens.map((token) => ({ authorization: `Bearer ${token}` }));
  // The first pass mostly meets viewers new to their channels; the second, 26 of them coming back,
  // whose queues run dry, so that drawing from the recommend service is compiled too.
  const warmFeed = (viewers: Array<Record<string, string>>) => (seconds: number, pass: number) =>
    http(190 + pass, {
      paths: feedPaths,
      headerSets: pass === 0 ? viewers : viewers.slice(0, 26),
      duration: seconds,
    });
  // Slices of never-requested ids: 0 for the probe, one per round, two for a profile (plans 80 and
  // 81), and the last for the warm-up (plan 90).
  const coldPerRound = Math.min(Math.floor(pools.coldIds.length / (options.rounds + 4)), 30_000);
  const coldSlice = (round: number): number =>
    round < options.rounds
      ? round + 1
      : round === 90
        ? options.rounds + 3
        : options.rounds + 1 + Math.min(round - 80, 1);
  // Each round gets ids no one has asked for yet (slice 0 is left for the probe); each warm-up pass its share of its slice.
  const articleMisses = (round: number, warmPass?: number): HttpPlan => {
    const length = warmPass === undefined ? coldPerRound : Math.floor(coldPerRound / WARM_PASSES);
    const start = coldSlice(round) * coldPerRound + (warmPass ?? 0) * length;
    const ids = pools.coldIds.slice(start, start + length);
    return http(400 + round, {
      paths: ids.map((id) => `/app/v1_0/articles/${id}`),
      order: 'sequential',
      amount: ids.length,
    });
  };
  const hotId = pools.hotDraws[0];
  const hotPaths = pools.hotDraws.slice(0, 5_000).map((id) => `/app/v1_0/articles/${id}`);
  const feedProbe = (authorization: string) => () =>
    httpProbe(`${base}/app/v1_1/articles?channel_id=1&timestamp=${Date.now()}&with_top=1`, {
      headers: { authorization },
    });
  return [
    {
      key: 'E1',
      label: 'E1 feed anonymous',
      servers: ['gateway', 'news', 'recommend'],
      plan: (round) => http(100 + round, { paths: feedPaths, headerSets: anonymous }),
      probe: feedProbe(anonymous[0].authorization),
      target: { ratioL2: 0.85 },
      readsRedis: true,
      warm: true,
      warmPlan: warmFeed(warmDevices),
      feed: true,
    },
    {
      // Not a target row: the same feed with devices that come back to their channels, so most
      // requests are dealt from a queued run (one refill in FEED_PREFETCH_BATCHES).
      key: 'E1s',
      label: 'E1s feed anonymous, 26 returning devices',
      servers: ['gateway', 'news', 'recommend'],
      plan: (round) => http(150 + round, { paths: feedPaths, headerSets: anonymous.slice(0, 26) }),
      probe: feedProbe(anonymous[0].authorization),
      warm: true,
      warmPlan: warmFeed(warmDevices.slice(0, 26)),
      feed: true,
    },
    {
      key: 'E1r',
      label: `E1r feed anonymous, 26 returning devices at ${PACED_FEED_RATE} req/s`,
      servers: ['gateway', 'news', 'recommend'],
      plan: (round) =>
        http(170 + round, { paths: feedPaths, headerSets: pacedReaders, rate: PACED_FEED_RATE }),
      probe: feedProbe(pacedReaders[0].authorization),
      warm: true,
      warmPlan: warmFeed(warmDevices.slice(26, 52)),
      feed: true,
    },
    {
      key: 'E2',
      label: 'E2 feed signed-in',
      servers: ['gateway', 'news', 'recommend', 'user'],
      plan: (round) => http(200 + round, { paths: feedPaths, headerSets: bearer }),
      probe: feedProbe(bearer[0].authorization),
      target: { ratioL2: 0.75 },
      readsRedis: true,
      warm: true,
      warmPlan: warmFeed(warmBearer),
      feed: true,
    },
    {
      key: 'E3',
      label: 'E3 article hit',
      servers: ['gateway', 'news', 'user', 'recommend'],
      plan: (round) => http(300 + round, { paths: hotPaths }),
      probe: () => httpProbe(`${base}/app/v1_0/articles/${hotId}`),
      target: { ratioL2: 0.75 },
      warm: true,
      // A hit means every cache the page reads is warm: each article is asked for once first.
      fillPlan: () => {
        const paths = [...new Set(hotPaths)];
        return http(390, { paths, order: 'sequential', amount: paths.length });
      },
    },
    {
      key: 'E4',
      label: 'E4 article miss',
      servers: ['gateway', 'news', 'user', 'recommend'],
      plan: articleMisses,
      probe: () => httpProbe(`${base}/app/v1_0/articles/${pools.coldIds[0]}`),
      target: { ratioL2: 0.5, maxSql: 3 },
      readsRedis: true,
      asksService: true,
      // The code of a miss is warmed with ids of its own slice: as on a server that has been
      // missing all along, only the caches are cold in the rounds.
      warm: true,
      warmPlan: (_seconds, pass) => articleMisses(90, pass),
    },
    {
      key: 'E5',
      label: 'E5 comment page',
      servers: ['gateway', 'news', 'user'],
      plan: (round) =>
        http(500 + round, {
          paths: pools.hotDraws
            .slice(0, 5_000)
            .map((id) => `/app/v1_0/comments?type=a&source=${id}`),
        }),
      probe: () => httpProbe(`${base}/app/v1_0/comments?type=a&source=${hotId}`),
      warm: true,
    },
    {
      key: 'E6',
      label: 'E6 like+unlike',
      servers: ['gateway', 'news', 'user'],
      plan: (round) =>
        http(600 + round, {
          paths: pools.hotDraws.slice(0, 2_000),
          headerSets: bearer,
          mode: 'like-unlike',
        }),
      probe: async () => {
        const headers = { authorization: bearer[bearer.length - 1].authorization };
        const body = JSON.stringify({ target: hotId });
        const liked = await httpProbe(`${base}/app/v1_0/article/likings`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body,
        });
        if (!liked.ok) return liked;
        const unliked = await httpProbe(`${base}/app/v1_0/article/likings/${hotId}`, {
          method: 'DELETE',
          headers,
        });
        return unliked.ok ? liked : unliked;
      },
      warm: true,
    },
    {
      key: 'R1',
      label: 'R1 gRPC user_recommend',
      servers: ['recommend', 'news'],
      plan: (round): GrpcPlan => ({
        kind: 'grpc',
        address: `127.0.0.1:${ports.recommend}`,
        protoPath: join(ROOT, 'proto', 'user_reco.proto'),
        connections: options.connections,
        duration: options.duration,
        seed: 700 + round,
        userIds: pools.userIds,
        channels: spec.channels,
      }),
      probe: () => Promise.resolve({ ok: true, body: Buffer.alloc(0) }),
      warm: true,
    },
  ];
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const spec = DATASETS[options.size];
  const pin = pinning(cpus().length, options.pin);
  const mysql: MysqlTarget = {
    host: process.env.BENCH_MYSQL_HOST ?? '127.0.0.1',
    port: Number(process.env.BENCH_MYSQL_PORT ?? 3306),
    user: process.env.BENCH_MYSQL_USER ?? 'root',
    password: process.env.BENCH_MYSQL_PASSWORD ?? '',
  };
  const ports = await allocatePorts();
  const keysDir = mkdtempSync(join(tmpdir(), 'tt-bench-keys-'));
  ensureDevelopmentKeys(keysDir, 'bench-1');
  const redisUrl = `redis://127.0.0.1:${ports.redis}`;
  const env = benchEnv({ database: databaseName(spec), redisUrl, ports, keysDir, mysql });
  log(
    `size ${spec.size}: ${spec.articles} articles, ${spec.channels} channels, ${spec.users} users, ${spec.comments} comments; schema ${databaseName(spec)}`,
  );
  log(
    `pinning: ${pin.servers ? `servers on CPU ${pin.servers}, load generator on CPU ${pin.load}` : 'off'}; ${options.rounds} rounds × ${options.duration}s, ${options.connections} connections`,
  );

  let raw: Redis | undefined;
  let stateClient: Redis | undefined;
  let stats: Awaited<ReturnType<typeof connectMysql>> | undefined;
  const cleanup = async (): Promise<void> => {
    raw?.disconnect();
    stateClient?.disconnect();
    await stopAll();
    await stats?.end().catch(() => undefined);
    rmSync(keysDir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  process.once('SIGTERM', () => void cleanup().finally(() => process.exit(143)));

  try {
    const redisChild = startRedis(ports.redis, pin);
    await waitForPort(ports.redis);
    raw = new Redis(`${redisUrl}/0`);
    const benchRedis: BenchRedis = { client: raw, pid: pidOf(redisChild) };
    stateClient = createRedisClient(`${redisUrl}/1`, 'bench:');
    stats = await connectMysql(mysql);
    const started = Date.now();
    if (options.reseed || !(await isSeeded(mysql, spec))) {
      log('seeding (bulk INSERTs after the real migrations)...');
      await dropDatabase(mysql, spec);
      migrate(env);
      await seedDatabase(mysql, spec, (line) => log(`  ${line}`));
      log(`seeded in ${((Date.now() - started) / 1000).toFixed(0)}s`);
    } else {
      migrate(env);
      log('dataset already seeded (same spec); pass --reseed to rebuild it');
    }
    await seedRedisState(mysql, spec, stateClient);

    const sessions = new SessionStore(stateClient, 6 * 3600);
    const signer = new TokenSigner(JwtKeySet.fromDirectory(keysDir, 'bench-1'));
    const signIn = async (i: number): Promise<string> => {
      const uid = userId((spec.authors + i) % spec.users);
      return signer.signAccess(uid, (await sessions.create(uid, 'app', randomUUID())).sid);
    };
    const tokens: string[] = [];
    const warmTokens: string[] = [];
    for (let i = 0; i < 200; i++) {
      tokens.push(await signIn(i));
      warmTokens.push(await signIn(200 + i));
    }

    const apps = new Map<AppName | BaselineName, Child>();
    for (const name of ['user', 'news', 'recommend'] as const)
      apps.set(name, startApp(name, env, pin));
    for (const name of ['user', 'news', 'recommend'] as const)
      await waitReady(name, ports, apps.get(name) as Child);
    apps.set('gateway', startApp('gateway', env, pin));
    await waitReady('gateway', ports, apps.get('gateway') as Child);
    apps.set('baseline', startBaseline(env, pin));
    await waitReady('baseline', ports, apps.get('baseline') as Child);
    apps.set('service', startServiceBaseline(env, pin));
    await waitReady('service', ports, apps.get('service') as Child);
    apps.set('framework', startFrameworkBaseline(env, pin));
    await waitReady('framework', ports, apps.get('framework') as Child);
    log(
      `suite ready: gateway :${ports.gateway}, user :${ports.user}, news :${ports.news}, recommend :${ports.recommend}, private redis :${ports.redis}`,
    );

    const serversOf = (names: Array<AppName | BaselineName>): Server[] =>
      names.map((name) => ({ name, pid: pidOf(apps.get(name) as Child) }));
    const pools = requestPools(spec, tokens, warmTokens);
    const all = endpoints(spec, ports, pools, options).filter(
      (endpoint) => options.only.length === 0 || options.only.includes(endpoint.key),
    );
    const rows: Row[] = [];
    const available: Array<Endpoint & { body: Buffer }> = [];

    for (const endpoint of all) {
      const probe = await endpoint.probe();
      if (!probe.ok) {
        rows.push({ ...emptyRow(endpoint), note: probe.note });
        log(`${endpoint.label}: not measured (${probe.note})`);
        continue;
      }
      if (endpoint.key === 'R1') {
        // The recommend service answers UNAVAILABLE until its first candidate refresh has run.
        const [redis, mysqlStats] = [benchRedis, stats];
        const probeR1 = () =>
          measure(
            { ...(endpoint.plan(99) as GrpcPlan), duration: 1, connections: 1 },
            [],
            redis,
            mysqlStats,
            pin.load,
          );
        let check = await probeR1();
        for (let attempt = 0; attempt < 30 && check.errors > 0; attempt += 1)
          check = await probeR1();
        if (check.errors > 0) {
          const note = `user_recommend answers ${Object.keys(check.statusCodes).join(', ')}`;
          rows.push({ ...emptyRow(endpoint), note });
          log(`${endpoint.label}: not measured (${note})`);
          continue;
        }
      }
      available.push({ ...endpoint, body: probe.body });
      if (probe.body.length > 0)
        await raw.set(`${env.REDIS_KEY_PREFIX}${cachedBodyKey(endpoint.key)}`, probe.body);
    }

    const baselinePlan = (path: string, round: number, port = ports.baseline): HttpPlan => ({
      kind: 'http',
      url: `http://127.0.0.1:${port}`,
      connections: options.connections,
      duration: options.duration,
      seed: round,
      order: 'random',
      paths: [path],
      headerSets: [],
    });

    // Every server is loaded until V8 has compiled what it serves, the baselines as the endpoints:
    // a round that starts cold measures the optimizing compiler, which runs on the servers' core. The
    // second pass meets the code each endpoint shares with the others again, after those have run.
    log(
      `warming up (${options.warmup}s of load per server and endpoint, in ${WARM_PASSES} passes)...`,
    );
    const mysqlStats = stats;
    const warm = (plan: LoadPlan): Promise<Measurement> =>
      measure(plan, [], benchRedis, mysqlStats, pin.load);
    const seconds = options.warmup / WARM_PASSES;
    const first = available.find((endpoint) => endpoint.key !== 'R1');
    const readingRedis = available.find((endpoint) => endpoint.target && endpoint.readsRedis);
    const askingService = available.find((endpoint) => endpoint.target && endpoint.asksService);
    for (const endpoint of available) if (endpoint.fillPlan) await warm(endpoint.fillPlan());
    for (let pass = 0; pass < WARM_PASSES; pass++) {
      if (first) {
        await warm({ ...baselinePlan(`/l1/${first.body.length}`, 90), duration: seconds });
        await warm({ ...baselinePlan(`/l2/${first.key}`, 90), duration: seconds });
        await warm({
          ...baselinePlan(`/app/l3/${first.body.length}`, 90, ports.framework),
          duration: seconds,
        });
      }
      if (readingRedis)
        await warm({
          ...baselinePlan(`/app/l4/${readingRedis.key}`, 90, ports.framework),
          duration: seconds,
        });
      if (askingService)
        await warm({
          ...baselinePlan(`/app/l5/${askingService.key}`, 90, ports.framework),
          duration: seconds,
        });
      for (const endpoint of available.filter((candidate) => candidate.warm)) {
        // As in the rounds, where the feed's metrics are read before and after each.
        if (endpoint.feed) await feedCounts(ports);
        await warm(
          endpoint.warmPlan?.(seconds, pass) ?? { ...endpoint.plan(90), duration: seconds },
        );
      }
    }
    const busy = [...apps.values()].map(pidOf).concat(benchRedis.pid, mariadbPid() ?? []);
    log(
      `settled in ${((await waitUntilIdle(busy)) / 1000).toFixed(0)}s (servers, Redis and MariaDB under 5% of a core)`,
    );

    const runs = new Map<
      string,
      Array<{
        m: Measurement;
        redisNet: number;
        sqlNet: number;
        ratioL1?: number;
        ratioL2?: number;
      }>
    >();
    const push = (
      key: string,
      run: { m: Measurement; redisNet: number; sqlNet: number; ratioL1?: number; ratioL2?: number },
    ): void => {
      runs.set(key, [...(runs.get(key) ?? []), run]);
    };

    for (let round = 0; round < options.rounds; round++) {
      for (const endpoint of available) {
        const isHttp = endpoint.key !== 'R1';
        const serving = serversOf(endpoint.servers);
        let l1: Measurement | undefined;
        let l2: Measurement | undefined;
        let l3: Measurement | undefined;
        let l4: Measurement | undefined;
        let l5: Measurement | undefined;
        if (isHttp) {
          l1 = await measure(
            baselinePlan(`/l1/${endpoint.body.length}`, round),
            serversOf(['baseline']),
            benchRedis,
            stats,
            pin.load,
          );
          l2 = await measure(
            baselinePlan(`/l2/${endpoint.key}`, round),
            serversOf(['baseline']),
            benchRedis,
            stats,
            pin.load,
          );
        }
        if (isHttp && endpoint.target) {
          l3 = await measure(
            baselinePlan(`/app/l3/${endpoint.body.length}`, round, ports.framework),
            serversOf(['framework']),
            benchRedis,
            stats,
            pin.load,
          );
        }
        if (isHttp && endpoint.target && endpoint.readsRedis) {
          l4 = await measure(
            baselinePlan(`/app/l4/${endpoint.key}`, round, ports.framework),
            serversOf(['framework']),
            benchRedis,
            stats,
            pin.load,
          );
        }
        if (isHttp && endpoint.target && endpoint.asksService) {
          l5 = await measure(
            baselinePlan(`/app/l5/${endpoint.key}`, round, ports.framework),
            serversOf(['framework', 'service']),
            benchRedis,
            stats,
            pin.load,
          );
        }
        const feedBefore = endpoint.feed ? await feedCounts(ports) : undefined;
        const e = await measure(endpoint.plan(round), serving, benchRedis, stats, pin.load);
        if (feedBefore) {
          const feedAfter = await feedCounts(ports);
          e.fallbacksByReason = grownBy(feedAfter.fallbacks, feedBefore.fallbacks);
          e.fallbacks = Object.values(e.fallbacksByReason).reduce((sum, count) => sum + count, 0);
          e.recommendCallsPerRequest =
            (feedAfter.recommendCalls - feedBefore.recommendCalls) / Math.max(1, e.requests);
        }
        // Background traffic rates from the L1 run (which sends nothing to Redis or MariaDB itself).
        const net = (m: Measurement): { m: Measurement; redisNet: number; sqlNet: number } => ({
          m,
          ...netCounts(m, l1),
        });
        if (l1 && l2) {
          push(`${endpoint.key}:L1`, net(l1));
          push(`${endpoint.key}:L2`, { ...net(l2), ratioL1: l2.rps / l1.rps });
          if (l3)
            push(`${endpoint.key}:L3`, {
              ...net(l3),
              ratioL1: l3.rps / l1.rps,
              ratioL2: l3.rps / l2.rps,
            });
          if (l4)
            push(`${endpoint.key}:L4`, {
              ...net(l4),
              ratioL1: l4.rps / l1.rps,
              ratioL2: l4.rps / l2.rps,
            });
          if (l5)
            push(`${endpoint.key}:L5`, {
              ...net(l5),
              ratioL1: l5.rps / l1.rps,
              ratioL2: l5.rps / l2.rps,
            });
        }
        push(endpoint.key, {
          ...net(e),
          ratioL1: l1 ? e.rps / l1.rps : undefined,
          ratioL2: l2 ? e.rps / l2.rps : undefined,
        });
        log(
          `round ${round + 1}/${options.rounds} ${endpoint.label}: ${e.rps.toFixed(0)} req/s` +
            (l1 && l2
              ? ` (L1 ${l1.rps.toFixed(0)}, L2 ${l2.rps.toFixed(0)}${l3 ? `, L3 ${l3.rps.toFixed(0)}` : ''}${l4 ? `, L4 ${l4.rps.toFixed(0)}` : ''}${l5 ? `, L5 ${l5.rps.toFixed(0)}` : ''})`
              : '') +
            `, p99 ${e.p99.toFixed(1)} ms, errors ${e.non2xx + e.errors}` +
            (e.fallbacks !== undefined
              ? `, fallbacks ${e.fallbacks}${
                  e.fallbacks > 0
                    ? ` (${Object.entries(e.fallbacksByReason ?? {})
                        .map(([reason, count]) => `${reason} ${count}`)
                        .join(', ')})`
                    : ''
                }, recommend calls/req ${e.recommendCallsPerRequest?.toFixed(2)}`
              : '') +
            `, Redis µs/req by command: ${
              Object.entries(e.redisUsecByCommand)
                .slice(0, 4)
                .map(([name, usec]) => `${name} ${usec.toFixed(1)}`)
                .join(', ') || 'none'
            }` +
            (e.non2xx + e.errors > 0
              ? ` (status ${JSON.stringify(e.statusCodes)}, socket errors/timeouts ${e.errors})`
              : ''),
        );
      }
    }

    for (const endpoint of available) {
      const bytes = endpoint.body.length;
      if (endpoint.key !== 'R1') {
        rows.push({
          ...rowOf(
            `${endpoint.key}:L1`,
            `L1 static ${bytes} B (for ${endpoint.key})`,
            runs.get(`${endpoint.key}:L1`) ?? [],
          ),
          bodyBytes: bytes,
        });
        rows.push({
          ...rowOf(
            `${endpoint.key}:L2`,
            `L2 http+GET ${bytes} B (for ${endpoint.key})`,
            runs.get(`${endpoint.key}:L2`) ?? [],
          ),
          bodyBytes: bytes,
        });
        const l3Runs = runs.get(`${endpoint.key}:L3`);
        if (l3Runs)
          rows.push({
            ...rowOf(
              `${endpoint.key}:L3`,
              `L3 Nest+Fastify static ${bytes} B (for ${endpoint.key})`,
              l3Runs,
            ),
            bodyBytes: bytes,
          });
        const l4Runs = runs.get(`${endpoint.key}:L4`);
        if (l4Runs)
          rows.push({
            ...rowOf(
              `${endpoint.key}:L4`,
              `L4 Nest+Fastify+GET ${bytes} B (for ${endpoint.key})`,
              l4Runs,
            ),
            bodyBytes: bytes,
          });
        const l5Runs = runs.get(`${endpoint.key}:L5`);
        if (l5Runs)
          rows.push({
            ...rowOf(
              `${endpoint.key}:L5`,
              `L5 Nest+Fastify+GET miss+gRPC call+GET ${bytes} B (for ${endpoint.key})`,
              l5Runs,
            ),
            bodyBytes: bytes,
          });
      }
      const row: Row = {
        ...rowOf(endpoint.key, endpoint.label, runs.get(endpoint.key) ?? []),
        bodyBytes: bytes,
      };
      const bound = rows.find(
        (other) => other.endpoint === `${endpoint.key}:${boundingBaseline(endpoint)}`,
      );
      row.target = targetText(endpoint.target);
      row.verdict = verdictOf(row, endpoint.target, bound);
      rows.push(row);
    }
    const ordered = [...rows.filter((row) => row.measured), ...rows.filter((row) => !row.measured)];

    // Before a profiled round restarts an app: the peaks of the apps that served every round.
    const peakRss = Object.fromEntries(
      APP_NAMES.map((name) => [name, peakRssMiB(pidOf(apps.get(name) as Child))]),
    );
    const peakRssText = Object.entries(peakRss)
      .map(([name, mib]) => `${name} ${mib} MiB`)
      .join(', ');
    log(`peak RSS (VmHWM) by app: ${peakRssText}`);

    let profile: unknown;
    const profiled = available.find((endpoint) => endpoint.key === options.profile);
    if (profiled)
      profile = await profileApp(
        options.profileApp,
        apps,
        env,
        pin,
        ports,
        profiled,
        benchRedis,
        stats,
        options.warmup,
      );

    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const dir = join(ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const table = markdownTable(ordered);
    const otherRun = newestFeedRun(dir, otherSize(spec.size), measuredFeedRows({ rows: ordered }));
    const scaling =
      otherRun && compareFeedScaling({ stamp, spec, options, rows: ordered }, otherRun);
    const scalingSection = scaling ? feedScalingMarkdown(scaling) : undefined;
    const heading = `# Benchmark ${stamp}\n\nDataset ${spec.size}: ${spec.articles} articles / ${spec.channels} channels / ${spec.users} users / ${spec.comments} comments (Zipf s=${spec.zipfS}). ${options.rounds} rounds × ${options.duration} s, ${options.connections} connections, medians; pinning ${pin.servers ? `servers CPU ${pin.servers}, load CPU ${pin.load}` : 'off'}; ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version}.\nPeak RSS (VmHWM) by app over the run: ${peakRssText}; heap caps in \`scripts/node-flags.js\`.\nCPU µs/req sums the serving processes listed per endpoint (L1/L2: the baseline process; L3/L4: the framework baseline, the HTTP apps' Nest-on-Fastify edge with a handler that returns L1's body, or L2's through one GET; L5: the framework baseline and the gRPC service it asks for L2's body after a GET that misses); Redis CPU µs/req is the bench Redis, which shares their core; Redis and SQL counts are net of the background rate seen during the L1 run.\n\n`;
    writeFileSync(
      join(dir, `${stamp}.md`),
      `${heading}${table}\n${scalingSection ? `\n${scalingSection}\n` : ''}`,
    );
    writeFileSync(
      join(dir, `${stamp}.json`),
      JSON.stringify(
        {
          stamp,
          spec,
          options,
          pinning: pin,
          node: process.version,
          cpus: cpus().length,
          peakRssMiB: peakRss,
          rows: ordered,
          runs: Object.fromEntries(runs),
          profile,
          feedScaling: scaling,
        },
        null,
        2,
      ),
    );
    console.log(`\n${table}\n`);
    log(`written bench/results/${stamp}.md and .json`);
    if (scalingSection) console.log(`\n${scalingSection}\n`);
    else if (measuredFeedRows({ rows: ordered }).length > 0)
      log(
        `feed scaling: no results of the other --size with feed rows yet in bench/results (run it too)`,
      );
  } finally {
    await cleanup();
  }
}

function emptyRow(endpoint: Endpoint): Row {
  return {
    endpoint: endpoint.key,
    label: endpoint.label,
    measured: false,
    rounds: 0,
    rps: NaN,
    cpuMicrosPerRequest: NaN,
    redisCpuMicrosPerRequest: NaN,
    p50: NaN,
    p99: NaN,
    errors: 0,
    non2xx: 0,
    rssMiB: {},
    redisPerRequest: NaN,
    sqlPerRequest: NaN,
  };
}

/** Restarts an app with --cpu-prof, runs one round of the endpoint, and summarises where its CPU time went. */
async function profileApp(
  name: AppName,
  apps: Map<AppName | BaselineName, Child>,
  env: NodeJS.ProcessEnv,
  pin: ReturnType<typeof pinning>,
  ports: SuitePorts,
  endpoint: Endpoint,
  redis: BenchRedis,
  stats: Awaited<ReturnType<typeof connectMysql>>,
  warmupSeconds: number,
): Promise<unknown> {
  const dir = join(ROOT, 'bench', 'results', `prof-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  await stopChild(apps.get(name) as Child);
  const profiled = startApp(name, env, pin, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  apps.set(name, profiled);
  await waitReady(name, ports, profiled);
  // The restarted app compiles its code again.
  await measure({ ...endpoint.plan(80), duration: warmupSeconds }, [], redis, stats, pin.load);
  const m = await measure(
    endpoint.plan(81),
    [{ name, pid: pidOf(profiled) }],
    redis,
    stats,
    pin.load,
  );
  const stopped = Date.now();
  await stopChild(profiled);
  // Only the measured round (plus the shutdown), not the start-up and warm-up.
  const windowMs = m.seconds * 1000 + (Date.now() - stopped);
  const top = summarizeProfile(dir, windowMs);
  const areas = summarizeByArea(dir, windowMs);
  console.log(
    `\n${endpoint.key} under --cpu-prof: ${m.rps.toFixed(0)} req/s, ${name} ${m.cpuMicrosPerRequest.toFixed(0)} µs/req. Self time in the measured window, by area:`,
  );
  for (const area of areas.slice(0, 15))
    console.log(`  ${(area.share * 100).toFixed(1).padStart(5)}%  ${area.area}`);
  console.log('Top functions (self time):');
  for (const line of top)
    console.log(`  ${(line.share * 100).toFixed(1).padStart(5)}%  ${line.frame}`);
  console.log(`profile: ${dir}`);
  return {
    endpoint: endpoint.key,
    app: name,
    dir,
    rps: m.rps,
    cpuMicrosPerRequest: m.cpuMicrosPerRequest,
    areas,
    top,
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
