import { cacheInvalidationChannel, createRedisClient, TwoLevelCache } from '@app/cache';
import type { relationV1 } from '@app/contracts';
import { GrpcClientModule, grpcClientToken, RELATION_GRPC, serviceConstructor } from '@app/grpc';
import { createTestRedis, freePort, type TestRedis } from '@app/testing';
import {
  Server,
  ServerCredentials,
  type sendUnaryData,
  type ServerUnaryCall,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type Redis from 'ioredis';

import { AuthorBlacklist } from './author-blacklist';

const AUTHOR = '1294287382374383616';
const BLACKLISTED = '1294287382374383617';
const READER = '1294287382374383618';

type Handler<Req, Res> = (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void;

/**
 * A user service on a plain grpc-js server with the RelationService methods given: one of the
 * release before GetBlacklist is one without it, which grpc-js answers UNIMPLEMENTED.
 */
async function startRelationService(
  methods: UntypedServiceImplementation,
): Promise<{ url: string; server: Server }> {
  const server = new Server();
  server.addService(serviceConstructor(RELATION_GRPC).service, methods);
  const port = await freePort();
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error) =>
      error ? reject(error) : resolve(),
    ),
  );
  return { url: `127.0.0.1:${port}`, server };
}

/** GetRelation answering from the pairs (author>user) given. */
function getRelationOf(
  blacklisted: ReadonlySet<string>,
  calls: string[],
): Handler<relationV1.GetRelationRequest, relationV1.GetRelationResponse> {
  return (call, callback) => {
    const pair = `${call.request.userId}>${call.request.targetUserId}`;
    calls.push(pair);
    callback(null, { isFollowing: false, isBlacklist: blacklisted.has(pair) });
  };
}

describe('AuthorBlacklist', () => {
  let testRedis: TestRedis;
  const clients: Redis[] = [];
  const apps: INestApplicationContext[] = [];
  const servers: Server[] = [];

  /** A process's two-level cache on the test Redis, listening for invalidations. */
  async function twoLevelCache(): Promise<TwoLevelCache> {
    const [redis, subscriber] = [
      createRedisClient(testRedis.cacheUrl, testRedis.prefix),
      createRedisClient(testRedis.cacheUrl, testRedis.prefix, { enableAutoPipelining: false }),
    ];
    clients.push(redis, subscriber);
    const cache = new TwoLevelCache(redis, subscriber, {
      channel: cacheInvalidationChannel(testRedis.prefix),
    });
    await cache.start();
    return cache;
  }

  /** A news replica's check against the user service at `url`. */
  async function blacklistAt(url: string): Promise<AuthorBlacklist> {
    @Module({
      imports: [GrpcClientModule.register([{ service: RELATION_GRPC, url, deadlineMs: 2000 }])],
    })
    class ClientModule {}
    const app = await NestFactory.createApplicationContext(ClientModule, { logger: false });
    apps.push(app);
    return new AuthorBlacklist(
      await twoLevelCache(),
      app.get<relationV1.RelationServiceClient>(grpcClientToken(RELATION_GRPC)),
    );
  }

  const cachedInRedis = () => clients[0].exists(`user:${AUTHOR}:blacklist`);

  beforeEach(() => {
    testRedis = createTestRedis();
  });

  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    for (const server of servers.splice(0)) server.forceShutdown();
    await Promise.all(clients.splice(0).map((client) => client.quit()));
    await testRedis.cleanup();
  });

  it('asks GetRelation for each pair of a user service that does not serve GetBlacklist yet', async () => {
    const pairs: string[] = [];
    const { url, server } = await startRelationService({
      GetRelation: getRelationOf(new Set([`${AUTHOR}>${BLACKLISTED}`]), pairs),
    });
    servers.push(server);
    const blacklist = await blacklistAt(url);
    expect([
      await blacklist.has(AUTHOR, BLACKLISTED),
      await blacklist.has(AUTHOR, READER),
      await blacklist.has(AUTHOR, READER),
    ]).toEqual([true, false, false]);
    expect(pairs).toEqual([
      `${AUTHOR}>${BLACKLISTED}`,
      `${AUTHOR}>${READER}`,
      `${AUTHOR}>${READER}`,
    ]);
    expect(await cachedInRedis()).toBe(0);
  });

  it('asks GetRelation for a user a truncated blacklist leaves out, and nothing for one it lists', async () => {
    const pairs: string[] = [];
    const { url, server } = await startRelationService({
      GetRelation: getRelationOf(new Set([`${AUTHOR}>${READER}`]), pairs),
      GetBlacklist: ((_call, callback) =>
        callback(null, { userIds: [BLACKLISTED], truncated: true })) as Handler<
        relationV1.GetBlacklistRequest,
        relationV1.GetBlacklistResponse
      >,
    });
    servers.push(server);
    const blacklist = await blacklistAt(url);
    expect([await blacklist.has(AUTHOR, BLACKLISTED), await blacklist.has(AUTHOR, READER)]).toEqual(
      [true, true],
    );
    expect(pairs).toEqual([`${AUTHOR}>${READER}`]);
  });

  it('keeps no blacklist read before a blacklist was made meanwhile, and reads the new one next', async () => {
    let listed: string[] = [];
    const held: Array<() => void> = [];
    let entered!: () => void;
    const reading = new Promise<void>((resolve) => (entered = resolve));
    const { url, server } = await startRelationService({
      GetRelation: getRelationOf(new Set(), []),
      GetBlacklist: ((_call, callback) => {
        const answer = { userIds: listed, truncated: false };
        held.push(() => callback(null, answer));
        entered();
      }) as Handler<relationV1.GetBlacklistRequest, relationV1.GetBlacklistResponse>,
    });
    servers.push(server);
    const blacklist = await blacklistAt(url);
    const userService = await twoLevelCache();

    const first = blacklist.has(AUTHOR, BLACKLISTED);
    await reading;
    // What RelationsService does once the blacklist is stored: RelationsCache.invalidate.
    listed = [BLACKLISTED];
    await userService.invalidate(`user:${AUTHOR}:blacklist`);
    held.shift()?.();
    expect(await first).toBe(false);
    expect(await cachedInRedis()).toBe(0);

    const next = blacklist.has(AUTHOR, BLACKLISTED);
    while (held.length === 0) await new Promise((resolve) => setImmediate(resolve));
    held.shift()?.();
    expect(await next).toBe(true);
    expect(await cachedInRedis()).toBe(1);
  });
});
