import {
  CANDIDATE_GRPC,
  NEWS_APP_SERVICES,
  qualifiedServiceName,
  serviceConstructor,
  USER_APP_SERVICES,
  USER_GRPC,
} from '@app/grpc';
import {
  createTestDatabase,
  createTestKeys,
  createTestRedis,
  eventually,
  freePort,
  grpcHealthStatus,
  type GrpcHealthWatch,
  testEnv,
  type TestDatabase,
  type TestKeys,
  type TestRedis,
  watchGrpcHealth,
  withTestConnection,
} from '@app/testing';
import { type Client, credentials, type ServiceError, status } from '@grpc/grpc-js';
import { connect, createServer, type Socket } from 'node:net';

import { NEWS_SCHEMA } from '../../apps/news/src/database/news-schema';
import { USER_RECOMMEND_SERVICE } from '../../apps/recommend/src/grpc/recommend-grpc.server';
import { USER_SCHEMA } from '../../apps/user/src/database/user-schema';
import { type AppProcess, type ProcessExit, spawnApp } from './support/app-process';
import { holdMigrationLock, tablesOf, waitingForMigrationLock } from './support/migration-lock';

type UserClient = Client & {
  GetProfile(request: { userId: string }, callback: (error: ServiceError | null) => void): void;
};

const BOOT_MS = 90_000;
/** GRPC_SHUTDOWN_DRAIN_MS of the services stopped with calls that never end. */
const DRAIN_MS = 2_000;
/** Room past the drain deadline for the shutdown hooks on a loaded machine. */
const HOOKS_MARGIN_MS = 30_000;

/** How `app` ended, or 'still running' `withinMs` later. */
const exitWithin = async (
  app: AppProcess,
  withinMs: number,
): Promise<ProcessExit | 'still running'> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still running'>(
    (resolve) => (timer = setTimeout(() => resolve('still running'), withinMs)),
  );
  try {
    return await Promise.race([app.exited, late]);
  } finally {
    clearTimeout(timer);
  }
};

const metricsStatus = (url: string) =>
  fetch(url).then(
    (response) => response.status,
    () => 0,
  );

/**
 * A relay to the Redis on `port` that holds what its clients send until `answer` (the Redis of a
 * service that starts does not answer yet); `asked` once a client sent something.
 */
async function holdingRelay(port: number) {
  const sockets = new Set<Socket>();
  const held: Array<() => void> = [];
  let answering = false;
  let markAsked: () => void = () => undefined;
  const asked = new Promise<void>((resolve) => (markAsked = resolve));
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    sockets.add(client).add(upstream);
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('data', (chunk: Buffer) => {
      markAsked();
      if (answering) upstream.write(chunk);
      else held.push(() => upstream.write(chunk));
    });
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', drop).on('error', drop);
    upstream.on('close', drop).on('error', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    asked,
    answer: () => {
      answering = true;
      held.splice(0).forEach((write) => write());
    },
    close: () => {
      sockets.forEach((socket) => socket.destroy());
      server.close();
    },
  };
}

/**
 * gRPC services stopped as Kubernetes stops a pod (SIGTERM), or by Ctrl-C, while calls are in
 * progress: grpc.health.v1 says NOT_SERVING for the server and every service before they drain,
 * the calls still get their answers, and the process ends by the signal.
 */
describe('gRPC services stopped by a signal (e2e, each in a process of its own)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let keys: TestKeys;
  const stopLater: Array<() => void> = [];

  beforeAll(async () => {
    database = await createTestDatabase([USER_SCHEMA, NEWS_SCHEMA]);
    redis = createTestRedis();
    keys = createTestKeys();
  });

  afterEach(() => {
    for (const stop of stopLater.splice(0)) stop();
  });

  afterAll(async () => {
    await redis?.cleanup();
    await database?.drop();
    keys?.remove();
  });

  /** Holds `user_basic` locked from another connection until `release` is called. */
  const lockUsers = async (): Promise<{ release: () => void; unlocked: Promise<void> }> => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let markLocked: () => void = () => undefined;
    const locked = new Promise<void>((resolve) => (markLocked = resolve));
    const unlocked = withTestConnection(database.settings, async (query) => {
      await query('LOCK TABLES user_basic WRITE');
      markLocked();
      await released;
      await query('UNLOCK TABLES');
    });
    await Promise.race([locked, unlocked]);
    return { release, unlocked };
  };

  /** How many statements of the service wait for a table lock in the test's schema. */
  const waitingForLock = () =>
    withTestConnection(database.settings, async (query) => {
      const rows = (await query(
        `SELECT COUNT(*) AS waiting FROM information_schema.PROCESSLIST
         WHERE DB = ? AND STATE LIKE 'Waiting for table%lock'`,
        [database.settings.MYSQL_DATABASE],
      )) as Array<{ waiting: number | string }>;
      return Number(rows[0]?.waiting ?? 0);
    });

  /** Spawns `main` and waits until its grpc.health.v1 says SERVING on `grpcPort`. */
  const startServing = async (
    main: string,
    grpcPort: number,
    settings: Record<string, string | number>,
  ) => {
    const app = spawnApp(
      main,
      testEnv(database.settings, redis, { HTTP_HOST: '127.0.0.1', ...settings }),
    );
    stopLater.push(() => {
      if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
    });
    await eventually(
      () => grpcHealthStatus(`127.0.0.1:${grpcPort}`).catch(() => 'down'),
      (health) => health === 'SERVING',
      `${main} serving`,
      BOOT_MS,
      200,
    );
    return app;
  };

  /** Watches of the server ('') and each of `services`, once each says SERVING. */
  const watchServing = async (address: string, services: readonly string[]) => {
    const watches: GrpcHealthWatch[] = ['', ...services].map((name) =>
      watchGrpcHealth(address, name),
    );
    stopLater.push(() => watches.forEach((watch) => watch.close()));
    const latest = () => watches.map((watch) => watch.latest());
    await eventually(
      latest,
      (statuses) => statuses.every((s) => s === 'SERVING'),
      'every watch SERVING',
    );
    return {
      close: () => watches.forEach((watch) => watch.close()),
      ended: () => Promise.all(watches.map((watch) => watch.ended)),
      notServing: () =>
        eventually(
          latest,
          (statuses) => statuses.every((s) => s === 'NOT_SERVING'),
          'every watch NOT_SERVING while calls are in progress',
          20_000,
        ),
    };
  };

  /** `main` booting with MIGRATIONS_RUN on a database of its own, its migrations waiting for a lock another session holds. */
  const bootWaitingForMigrations = async (
    main: string,
    settings: Record<string, string | number>,
  ) => {
    const fresh = await createTestDatabase([]);
    const lock = await holdMigrationLock(fresh.settings.MYSQL_DATABASE);
    const app = spawnApp(
      main,
      testEnv(fresh.settings, redis, {
        HTTP_HOST: '127.0.0.1',
        MIGRATIONS_RUN: 'true',
        ...settings,
      }),
    );
    stopLater.push(() => {
      if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
      void lock.release().catch(() => undefined);
      void fresh.drop();
    });
    await eventually(
      () => waitingForMigrationLock(fresh.settings),
      Boolean,
      `${main} waiting for the migration lock`,
      BOOT_MS,
      200,
    );
    return { app, lock, settings: fresh.settings };
  };

  it.each([
    ['user', 'apps/user/src/main.ts', 'user_basic'],
    ['news', 'apps/news/src/main.ts', 'news_article_basic'],
  ] as const)(
    '%s, sent SIGTERM while its migrations wait for the migration lock: runs them once it has the lock, then stops through its shutdown hooks and ends by the signal',
    async (service, main, table) => {
      const grpcPort = await freePort();
      const { app, lock, settings } = await bootWaitingForMigrations(main, {
        USER_GRPC_PORT: grpcPort,
        NEWS_GRPC_PORT: grpcPort,
        JWT_KEYS_DIR: keys.dir,
        JWT_SIGNING_KID: keys.kid,
      });

      app.child.kill('SIGTERM');
      await lock.release();
      expect(await app.exited).toEqual({ code: null, signal: 'SIGTERM' });
      // Where the signal ended it at once, mid-start, its migrations never ran.
      expect(await tablesOf(settings)).toEqual(
        expect.arrayContaining([`migrations_${service}`, table]),
      );
    },
    180_000,
  );

  it('user, sent SIGTERM while its migrations wait for a lock that is never released: exits 143, as SIGTERM would have, once GRPC_SHUTDOWN_DRAIN_MS passed', async () => {
    const grpcPort = await freePort();
    const { app, settings } = await bootWaitingForMigrations('apps/user/src/main.ts', {
      USER_GRPC_PORT: grpcPort,
      JWT_KEYS_DIR: keys.dir,
      JWT_SIGNING_KID: keys.kid,
      GRPC_SHUTDOWN_DRAIN_MS: DRAIN_MS,
    });

    app.child.kill('SIGTERM');
    // 128 + 15, what a shell or an init reports for a process SIGTERM ended.
    expect(await exitWithin(app, DRAIN_MS + HOOKS_MARGIN_MS)).toEqual({ code: 143, signal: null });
    expect(await tablesOf(settings)).not.toContain('user_basic');
  }, 180_000);

  it('recommend, sent SIGTERM while it starts with its Redis not answering yet: finishes its start, then stops through its shutdown hooks and ends by the signal', async () => {
    const relay = await holdingRelay(Number(new URL(redis.cacheUrl).port));
    stopLater.push(relay.close);
    const viaRelay = (url: string) =>
      Object.assign(new URL(url), { port: String(relay.port) }).toString();
    const grpcPort = await freePort();
    const recommend = spawnApp(
      'apps/recommend/src/main.ts',
      testEnv(database.settings, redis, {
        HTTP_HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        RECOMMEND_GRPC_PORT: grpcPort,
        REDIS_CACHE_URL: viaRelay(redis.cacheUrl),
        REDIS_STATE_URL: viaRelay(redis.stateUrl),
        NEWS_GRPC_URL: `127.0.0.1:${await freePort()}`,
        RECO_REFRESH_INTERVAL_MS: 3_600_000,
      }),
      true,
    );
    stopLater.push(() => {
      if (recommend.child.exitCode === null && recommend.child.signalCode === null)
        recommend.child.kill('SIGKILL');
    });
    await relay.asked;

    recommend.child.kill('SIGTERM');
    relay.answer();
    expect(await recommend.exited).toEqual({ code: null, signal: 'SIGTERM' });
    // Where the signal ended it at once, mid-start, it never listened.
    expect(recommend.output()).toContain(`gRPC listening on ${grpcPort}`);
  }, 180_000);

  // Each asks for a user of its own: the first read of an unknown user caches that it is unknown.
  it.each([
    ['SIGTERM', '1294287382374399991'],
    ['SIGINT', '1294287382374399992'],
  ] as const)(
    'user, sent %s: answers NOT_SERVING for the server and each service while it drains a call in progress, then closes /metrics and ends by the signal',
    async (signal, unknownUserId) => {
      const [grpcPort, metricsPort] = [await freePort(), await freePort()];
      const address = `127.0.0.1:${grpcPort}`;
      const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
      const user = await startServing('apps/user/src/main.ts', grpcPort, {
        USER_GRPC_PORT: grpcPort,
        USER_METRICS_PORT: metricsPort,
        JWT_KEYS_DIR: keys.dir,
        JWT_SIGNING_KID: keys.kid,
      });
      const watches = await watchServing(address, USER_APP_SERVICES.map(qualifiedServiceName));

      const lock = await lockUsers();
      stopLater.push(lock.release);
      const UserService = serviceConstructor(USER_GRPC);
      const client = new UserService(
        address,
        credentials.createInsecure(),
      ) as unknown as UserClient;
      stopLater.push(() => client.close());
      const answered = new Promise<status>((resolve) =>
        client.GetProfile({ userId: unknownUserId }, (error) => resolve(error?.code ?? status.OK)),
      );
      await eventually(
        waitingForLock,
        (waiting) => waiting > 0,
        'GetProfile waiting for user_basic',
      );

      user.child.kill(signal);
      await watches.notServing();
      // Still draining: the call holds it, and /metrics is still scraped meanwhile.
      expect(user.child.exitCode).toBeNull();
      expect(user.child.signalCode).toBeNull();
      expect(await metricsStatus(metricsUrl)).toBe(200);

      watches.close();
      lock.release();
      await lock.unlocked;
      expect(await answered).toBe(status.NOT_FOUND);
      expect(await user.exited).toEqual({ code: null, signal });
      expect(await metricsStatus(metricsUrl)).toBe(0);
    },
    180_000,
  );

  it('recommend, sent SIGTERM: answers NOT_SERVING for the server and each service while its watches are in progress, then closes /metrics and ends by the signal', async () => {
    const [newsPort, grpcPort, metricsPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const address = `127.0.0.1:${grpcPort}`;
    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    // Recommend is ready once it built its pools from news' channels and articles.
    await withTestConnection(database.settings, async (query) => {
      await query(
        `INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (1, 'html', 1, 1, 1)`,
      );
      await query(
        `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, allow_comment, create_time, update_time)
         VALUES (1294287382374400001, 1, 1, 'html', '{"type":0,"images":[]}', 2, 1, NOW(), NOW())`,
      );
    });
    await startServing('apps/news/src/main.ts', newsPort, { NEWS_GRPC_PORT: newsPort });
    const recommend = await startServing('apps/recommend/src/main.ts', grpcPort, {
      RECOMMEND_GRPC_PORT: grpcPort,
      RECOMMEND_METRICS_PORT: metricsPort,
      NEWS_GRPC_URL: `127.0.0.1:${newsPort}`,
      RECO_REFRESH_INTERVAL_MS: 3_600_000,
    });
    // The watches themselves are the calls in progress that the drain waits for.
    const watches = await watchServing(address, [
      USER_RECOMMEND_SERVICE,
      qualifiedServiceName(CANDIDATE_GRPC),
    ]);

    recommend.child.kill('SIGTERM');
    await watches.notServing();
    expect(recommend.child.exitCode).toBeNull();
    expect(recommend.child.signalCode).toBeNull();
    expect(await metricsStatus(metricsUrl)).toBe(200);

    watches.close();
    expect(await recommend.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(await metricsStatus(metricsUrl)).toBe(0);
  }, 180_000);
  // A Watch is a call that never ends by itself: only the drain deadline lets such a drain end.
  it('user, sent SIGTERM with calls that never end: cancels them at GRPC_SHUTDOWN_DRAIN_MS, then runs its shutdown hooks and ends by the signal', async () => {
    const [grpcPort, metricsPort] = [await freePort(), await freePort()];
    const address = `127.0.0.1:${grpcPort}`;
    const user = await startServing('apps/user/src/main.ts', grpcPort, {
      USER_GRPC_PORT: grpcPort,
      USER_METRICS_PORT: metricsPort,
      JWT_KEYS_DIR: keys.dir,
      JWT_SIGNING_KID: keys.kid,
      GRPC_SHUTDOWN_DRAIN_MS: DRAIN_MS,
    });
    const watches = await watchServing(address, USER_APP_SERVICES.map(qualifiedServiceName));

    user.child.kill('SIGTERM');
    // It raises the signal again only once Nest's shutdown hooks (Redis, the MySQL pool) returned.
    expect(await exitWithin(user, DRAIN_MS + HOOKS_MARGIN_MS)).toEqual({
      code: null,
      signal: 'SIGTERM',
    });
    for (const code of await watches.ended())
      expect([status.CANCELLED, status.UNAVAILABLE]).toContain(code);
  }, 180_000);

  it('recommend and news, sent SIGTERM with calls that never end: cancel them at GRPC_SHUTDOWN_DRAIN_MS, then run their shutdown hooks and end by the signal', async () => {
    const [newsPort, grpcPort, metricsPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    await withTestConnection(database.settings, async (query) => {
      await query(
        `INSERT IGNORE INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (1, 'html', 1, 1, 1)`,
      );
      await query(
        `INSERT IGNORE INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, allow_comment, create_time, update_time)
         VALUES (1294287382374400001, 1, 1, 'html', '{"type":0,"images":[]}', 2, 1, NOW(), NOW())`,
      );
    });
    const news = await startServing('apps/news/src/main.ts', newsPort, {
      NEWS_GRPC_PORT: newsPort,
      NEWS_METRICS_PORT: 0,
      GRPC_SHUTDOWN_DRAIN_MS: DRAIN_MS,
    });
    const recommend = await startServing('apps/recommend/src/main.ts', grpcPort, {
      RECOMMEND_GRPC_PORT: grpcPort,
      RECOMMEND_METRICS_PORT: metricsPort,
      NEWS_GRPC_URL: `127.0.0.1:${newsPort}`,
      RECO_REFRESH_INTERVAL_MS: 3_600_000,
      GRPC_SHUTDOWN_DRAIN_MS: DRAIN_MS,
    });
    const recommendWatches = await watchServing(`127.0.0.1:${grpcPort}`, [
      USER_RECOMMEND_SERVICE,
      qualifiedServiceName(CANDIDATE_GRPC),
    ]);
    const newsWatches = await watchServing(
      `127.0.0.1:${newsPort}`,
      NEWS_APP_SERVICES.map(qualifiedServiceName),
    );

    recommend.child.kill('SIGTERM');
    expect(await exitWithin(recommend, DRAIN_MS + HOOKS_MARGIN_MS)).toEqual({
      code: null,
      signal: 'SIGTERM',
    });
    for (const code of await recommendWatches.ended())
      expect([status.CANCELLED, status.UNAVAILABLE]).toContain(code);

    // News' hooks include its outbox relay and its article HTML worker pool.
    news.child.kill('SIGTERM');
    expect(await exitWithin(news, DRAIN_MS + HOOKS_MARGIN_MS)).toEqual({
      code: null,
      signal: 'SIGTERM',
    });
    for (const code of await newsWatches.ended())
      expect([status.CANCELLED, status.UNAVAILABLE]).toContain(code);
  }, 240_000);
  it('user, sent SIGTERM with a call held by a table lock: cancels it at GRPC_SHUTDOWN_DRAIN_MS and ends by the signal with its statement still waiting, where closing the MySQL pool waited for it', async () => {
    const [grpcPort, metricsPort] = [await freePort(), await freePort()];
    const user = await startServing('apps/user/src/main.ts', grpcPort, {
      USER_GRPC_PORT: grpcPort,
      USER_METRICS_PORT: metricsPort,
      JWT_KEYS_DIR: keys.dir,
      JWT_SIGNING_KID: keys.kid,
      GRPC_SHUTDOWN_DRAIN_MS: DRAIN_MS,
    });
    const lock = await lockUsers();
    stopLater.push(lock.release);
    const UserService = serviceConstructor(USER_GRPC);
    const client = new UserService(
      `127.0.0.1:${grpcPort}`,
      credentials.createInsecure(),
    ) as unknown as UserClient;
    stopLater.push(() => client.close());
    const answered = new Promise<status>((resolve) =>
      client.GetProfile({ userId: '1294287382374399993' }, (error) =>
        resolve(error?.code ?? status.OK),
      ),
    );
    await eventually(waitingForLock, (waiting) => waiting > 0, 'GetProfile waiting for user_basic');

    user.child.kill('SIGTERM');
    expect([status.CANCELLED, status.UNAVAILABLE]).toContain(await answered);
    expect(await exitWithin(user, DRAIN_MS + HOOKS_MARGIN_MS)).toEqual({
      code: null,
      signal: 'SIGTERM',
    });
  }, 180_000);
});
