import { loadConfig } from '@app/config';
import { GrpcHealth, type ReadinessReport } from '@app/grpc';
import {
  createTestRedis,
  eventually,
  freePort,
  type RedisServer,
  startRedisServer,
  withoutLatencies,
} from '@app/testing';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { INestMicroservice } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { imEnvSchema } from '../../apps/im/src/config/im.config';
import { createIm } from '../../apps/im/src/main';
import { misEnvSchema } from '../../apps/mis/src/config/mis.config';
import { createMis } from '../../apps/mis/src/main';
import { userEnvSchema } from '../../apps/user/src/config/user.config';
import { startUserService } from '../../apps/user/src/main';
import { type ArticleStack, seedUsers, startArticleStack } from './support/article-stack';

/** How long an app may take to report itself ready again. */
const READY_AGAIN_MS = 15_000;

const AUTHOR = '1294287382374383616';

const up = (required: boolean) => ({ status: 'up', required });
const down = (required: boolean) => ({ status: 'down', required });

const allUp = (answer: { body: ReturnType<typeof withoutLatencies> }): boolean =>
  Object.values(answer.body.checks).every((check) => check.status === 'up');

/** A server that answers grpc.health.v1 for `UserRecommend`, as the recommend service does. */
async function startRecommendHealth(url: string): Promise<Server> {
  const server = new Server();
  const health = new GrpcHealth(['UserRecommend']);
  health.addToServer(server);
  await new Promise<number>((resolve, reject) =>
    server.bindAsync(url, ServerCredentials.createInsecure(), (error, port) =>
      error ? reject(error) : resolve(port),
    ),
  );
  health.setServing(true);
  return server;
}

/**
 * The gateway, the media platform and mis on the real user and news services, their Redis roles
 * on redis-servers of the test's own (so that one can be stopped).
 */
describe('readiness of the HTTP apps (e2e)', () => {
  let cacheServer: RedisServer;
  let stateServer: RedisServer;
  let stack: ArticleStack;
  let mediaPlatform: NestFastifyApplication;
  let mis: NestFastifyApplication;
  let im: NestFastifyApplication;
  let recommend: Server | undefined;
  let restartedUser: INestMicroservice | undefined;

  const ready = async (app: NestFastifyApplication) => {
    const response = await app.inject({ method: 'GET', url: '/health/ready' });
    return {
      status: response.statusCode,
      body: withoutLatencies(response.json<ReadinessReport>()),
    };
  };

  beforeAll(async () => {
    [cacheServer, stateServer] = await Promise.all([
      startRedisServer({ appendOnly: false }),
      startRedisServer({ appendOnly: true }),
    ]);
    const recommendUrl = `127.0.0.1:${await freePort()}`;
    recommend = await startRecommendHealth(recommendUrl);
    stack = await startArticleStack(
      { RECOMMEND_GRPC_URL: recommendUrl },
      createTestRedis({ cache: cacheServer.url, state: stateServer.url }),
    );
    await seedUsers(stack, [{ id: AUTHOR, name: 'author' }]);
    await stack.sql(
      `INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (1, 'html', 1, 1, 1)`,
    );
    mediaPlatform = await stack.startMediaPlatform();
    mis = await createMis(loadConfig(misEnvSchema, stack.env));
    await mis.init();
    await mis.getHttpAdapter().getInstance().ready();
    im = await createIm(loadConfig(imEnvSchema, stack.env));
    await im.listen(await freePort(), '127.0.0.1');
  });

  afterAll(async () => {
    await im?.close();
    await mis?.close();
    recommend?.forceShutdown();
    await restartedUser?.close();
    await stack?.close();
    await cacheServer?.remove();
    await stateServer?.remove();
  });

  it('answers 200 naming every dependency, required or only reported, with its state', async () => {
    expect(await ready(stack.gateway)).toEqual({
      status: 200,
      body: {
        status: 'ok',
        checks: {
          cacheRedis: up(true),
          stateRedis: up(true),
          user: up(false),
          news: up(false),
          recommend: up(false),
        },
      },
    });
    expect(await ready(mediaPlatform)).toEqual({
      status: 200,
      body: {
        status: 'ok',
        checks: { cacheRedis: up(false), stateRedis: up(true), user: up(false), news: up(false) },
      },
    });
    expect(await ready(mis)).toEqual({
      status: 200,
      body: {
        status: 'ok',
        checks: {
          mysql: up(true),
          cacheRedis: up(false),
          stateRedis: up(false),
          user: up(false),
          news: up(false),
        },
      },
    });
    expect(await ready(im)).toEqual({
      status: 200,
      body: { status: 'ok', checks: { stateRedis: up(true) } },
    });
    const live = await stack.gateway.inject({ method: 'GET', url: '/health/live' });
    expect({ status: live.statusCode, body: live.json<unknown>() }).toEqual({
      status: 200,
      body: { status: 'ok' },
    });
  });

  it("answers 503 naming the gateway's cache Redis while it is down, where the media platform and mis, which read nothing there, stay ready", async () => {
    await cacheServer.crash();
    try {
      expect(await ready(stack.gateway)).toEqual({
        status: 503,
        body: {
          status: 'unavailable',
          checks: {
            cacheRedis: down(true),
            stateRedis: up(true),
            user: up(false),
            news: up(false),
            recommend: up(false),
          },
        },
      });
      // What makes it required: the gateway reads its pages' caches there (channels, cards, likes).
      expect(
        (await stack.gateway.inject({ method: 'GET', url: '/app/v1_0/channels' })).statusCode,
      ).toBe(503);
      const mp = await ready(mediaPlatform);
      expect(mp).toMatchObject({
        status: 200,
        body: { status: 'ok', checks: { cacheRedis: down(false) } },
      });
      expect(await ready(mis)).toMatchObject({
        status: 200,
        body: { status: 'ok', checks: { cacheRedis: down(false) } },
      });
    } finally {
      await cacheServer.start();
    }
    await eventually(
      () => ready(stack.gateway),
      allUp,
      'the gateway ready again',
      READY_AGAIN_MS,
      200,
    );
  });

  it('answers 503 naming the state Redis of the gateway and the media platform while it is down', async () => {
    await stateServer.crash();
    try {
      expect(await ready(stack.gateway)).toMatchObject({
        status: 503,
        body: { status: 'unavailable', checks: { cacheRedis: up(true), stateRedis: down(true) } },
      });
      expect(await ready(mediaPlatform)).toMatchObject({
        status: 503,
        body: { status: 'unavailable', checks: { stateRedis: down(true) } },
      });
      // im fans out through the state role: the same answer, in the same shape.
      expect(await ready(im)).toEqual({
        status: 503,
        body: { status: 'unavailable', checks: { stateRedis: down(true) } },
      });
    } finally {
      await stateServer.start();
    }
    // The services poll their own stores for grpc.health.v1: they are back a moment later.
    await eventually(
      () => ready(stack.gateway),
      allUp,
      'every dependency of the gateway up again',
      READY_AGAIN_MS,
      200,
    );
    await eventually(
      () => ready(mediaPlatform),
      allUp,
      'every dependency of the media platform up again',
      READY_AGAIN_MS,
      200,
    );
    await eventually(() => ready(im), allUp, 'im ready again', READY_AGAIN_MS, 200);
  });

  it('stays ready while the user and recommend services are down, names them down, and serves what does not need them', async () => {
    recommend?.forceShutdown();
    recommend = undefined;
    await stack.userService.close();

    const gateway = await ready(stack.gateway);
    expect(gateway).toEqual({
      status: 200,
      body: {
        status: 'ok',
        checks: {
          cacheRedis: up(true),
          stateRedis: up(true),
          user: down(false),
          news: up(false),
          recommend: down(false),
        },
      },
    });
    expect(
      (await stack.gateway.inject({ method: 'GET', url: '/app/v1_0/channels' })).statusCode,
    ).toBe(200);
    expect(await ready(mediaPlatform)).toMatchObject({
      status: 200,
      body: { status: 'ok', checks: { user: down(false) } },
    });
    expect(await ready(mis)).toMatchObject({
      status: 200,
      body: { status: 'ok', checks: { user: down(false) } },
    });

    restartedUser = await startUserService(loadConfig(userEnvSchema, stack.env));
    await eventually(
      () => ready(stack.gateway),
      (answer) => answer.body.checks.user?.status === 'up',
      'the user service reported up again',
      READY_AGAIN_MS,
      200,
    );
  });
});
