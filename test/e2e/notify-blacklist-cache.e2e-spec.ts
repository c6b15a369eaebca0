import { setTimeout as sleep } from 'node:timers/promises';

import { loadConfig } from '@app/config';
import { freePort } from '@app/testing';
import type { INestMicroservice } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { gatewayEnvSchema } from '../../apps/gateway/src/config/gateway.config';
import { createGateway } from '../../apps/gateway/src/main';
import { newsEnvSchema } from '../../apps/news/src/config/news.config';
import { startNewsService } from '../../apps/news/src/main';
import { MAX_LISTED_BLACKLIST } from '../../apps/user/src/relations/relations.service';
import {
  type ArticleStack,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';
import { type NotificationTap, tapNotifications, waitFor } from './support/notifications';

const AUTHOR = '1294287382374383616';
const READER = '1294287382374383617';
const OTHER = '1294287382374383618';
/** An author with more blacklisted users than GetBlacklist lists. */
const CROWDED = '1294287382374383619';
const ARTICLE = '1300000000000000001';
const CROWDED_ARTICLE = '1300000000000000002';
/** Liked first through each replica, so that the likes counted find its channel to the user service up. */
const WARM_UP_ARTICLE = '1300000000000000003';
/** Blacklisted by CROWDED, every one below READER, so that the first listed leave READER out. */
const FIRST_BLACKLISTED = 1_000_000_000_000_000_001n;

const RELATION_SERVICE = 'toutiao.user.v1.RelationService';

/**
 * The check of the author's blacklist before `liking notify` and `comment notify`, through the
 * gateway, two news replicas (each with a gateway of its own) and the user service: one blacklist
 * read per author, not a gRPC call per like, and a blacklist or its lifting seen by every replica
 * at the next like.
 */
describe('the blacklist check before a notification (e2e)', () => {
  let stack: ArticleStack;
  let notifications: NotificationTap;
  let metricsUrl: string;
  let secondNews: INestMicroservice;
  let secondGateway: NestFastifyApplication;
  let gateways: NestFastifyApplication[];
  const tokens = new Map<string, string>();

  const call = (
    gateway: NestFastifyApplication,
    method: 'POST' | 'DELETE',
    url: string,
    as: string,
    payload?: object,
  ) =>
    gateway.inject({
      method,
      url: `/app/v1_0${url}`,
      headers: { authorization: `Bearer ${tokens.get(as)}` },
      ...(payload ? { payload } : {}),
    });
  /** A like (after an unlike, so that it is a change and notified) through `gateway`. */
  const like = async (gateway: NestFastifyApplication, reader: string, article = ARTICLE) => {
    expect((await call(gateway, 'DELETE', `/article/likings/${article}`, reader)).statusCode).toBe(
      204,
    );
    expect(
      (await call(gateway, 'POST', '/article/likings', reader, { target: article })).statusCode,
    ).toBe(201);
  };
  const likingNotifications = (author: string, liker: string) =>
    notifications.published.filter(
      ({ channel, message }) =>
        channel === notifications.roomChannel(author) &&
        message.includes('liking notify') &&
        message.includes(liker),
    ).length;
  /** RelationService calls the user service answered, by method. */
  const relationCalls = async (): Promise<Record<'GetRelation' | 'GetBlacklist', number>> => {
    const scrape = await (await fetch(metricsUrl)).text();
    const count = (method: string) =>
      scrape
        .split('\n')
        .filter(
          (line) =>
            line.startsWith('grpc_server_handled_total{') &&
            line.includes(`grpc_service="${RELATION_SERVICE}"`) &&
            line.includes(`grpc_method="${method}"`),
        )
        .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    return { GetRelation: count('GetRelation'), GetBlacklist: count('GetBlacklist') };
  };
  const callsSince = async (before: Record<'GetRelation' | 'GetBlacklist', number>) => {
    const now = await relationCalls();
    return {
      GetRelation: now.GetRelation - before.GetRelation,
      GetBlacklist: now.GetBlacklist - before.GetBlacklist,
    };
  };

  beforeAll(async () => {
    const metricsPort = await freePort();
    stack = await startArticleStack({ USER_METRICS_PORT: metricsPort, HTTP_HOST: '127.0.0.1' });
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    const secondNewsPort = await freePort();
    secondNews = await startNewsService(
      loadConfig(newsEnvSchema, { ...stack.env, NEWS_GRPC_PORT: String(secondNewsPort) }),
    );
    secondGateway = await createGateway(
      loadConfig(gatewayEnvSchema, {
        ...stack.env,
        NEWS_GRPC_URL: `127.0.0.1:${secondNewsPort}`,
      }),
    );
    await secondGateway.init();
    await secondGateway.getHttpAdapter().getInstance().ready();
    gateways = [stack.gateway, secondGateway];
    notifications = await tapNotifications(stack.redis);
    await seedUsers(stack, [
      { id: AUTHOR, name: 'author' },
      { id: READER, name: 'reader' },
      { id: OTHER, name: 'other' },
      { id: CROWDED, name: 'crowded' },
    ]);
    await seedArticles(
      stack,
      [
        [ARTICLE, AUTHOR],
        [CROWDED_ARTICLE, CROWDED],
        [WARM_UP_ARTICLE, OTHER],
      ].map(([id, authorId]) => ({
        id,
        authorId,
        channelId: 1,
        title: 'liked',
        status: 2,
        createdAt: '2024-01-01 00:00:00',
      })),
    );
    for (const id of [AUTHOR, READER, OTHER, CROWDED]) tokens.set(id, await stack.signIn(id));
    // A first call of a replica's channel waits for it to connect, which may outlast the check's
    // bound: that like is not notified.
    for (const gateway of gateways) await like(gateway, READER, WARM_UP_ARTICLE);
    await sleep(600);
  });

  afterAll(async () => {
    await secondGateway?.close();
    await secondNews?.close();
    await stack?.close();
    await notifications?.close();
  });

  it('reads an author without a blacklist from the user service once, not once per like, on either replica', async () => {
    const before = await relationCalls();
    const rounds = 10;
    for (let round = 0; round < rounds; round++) await like(gateways[round % 2], READER);
    await waitFor(() => likingNotifications(AUTHOR, READER) === rounds);
    const calls = await callsSince(before);
    expect(calls.GetRelation + calls.GetBlacklist).toBeLessThanOrEqual(1);
  });

  it('leaves out the next like on every replica once the author blacklists the liker, and notifies it again once lifted', async () => {
    // Both replicas hold the author's empty blacklist (the test before).
    expect(
      (await call(stack.gateway, 'POST', '/user/blacklists', AUTHOR, { target: READER }))
        .statusCode,
    ).toBe(201);
    notifications.published.length = 0;
    for (const gateway of gateways) {
      await like(gateway, READER);
      await like(gateway, OTHER);
    }
    await waitFor(() => likingNotifications(AUTHOR, OTHER) === 2);
    await sleep(200);
    expect(likingNotifications(AUTHOR, READER)).toBe(0);

    expect(
      (await call(secondGateway, 'DELETE', `/user/blacklists/${READER}`, AUTHOR)).statusCode,
    ).toBe(204);
    for (const gateway of gateways) await like(gateway, READER);
    await waitFor(() => likingNotifications(AUTHOR, READER) === 2);
  });

  it(`asks GetRelation for a liker beyond the ${MAX_LISTED_BLACKLIST} users of a longer blacklist`, async () => {
    const crowd = Array.from({ length: MAX_LISTED_BLACKLIST }, (_, index) =>
      String(FIRST_BLACKLISTED + BigInt(index)),
    );
    await stack.sql(
      `INSERT INTO user_relation (user_id, target_user_id, relation) VALUES ${crowd
        .map(() => '(?, ?, 2)')
        .join(', ')}`,
      crowd.flatMap((target) => [CROWDED, target]),
    );
    expect(
      (await call(stack.gateway, 'POST', '/user/blacklists', CROWDED, { target: READER }))
        .statusCode,
    ).toBe(201);
    notifications.published.length = 0;
    const before = await relationCalls();
    for (const gateway of gateways) {
      await like(gateway, READER, CROWDED_ARTICLE);
      await like(gateway, OTHER, CROWDED_ARTICLE);
    }
    await waitFor(() => likingNotifications(CROWDED, OTHER) === 2);
    await sleep(200);
    expect(likingNotifications(CROWDED, READER)).toBe(0);
    const calls = await callsSince(before);
    // Each like by someone not listed asks for the pair.
    expect(calls.GetRelation).toBeGreaterThanOrEqual(4);
  });
});
