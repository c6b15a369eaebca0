import { CacheKeys } from '@app/cache';
import { DEFAULT_PHOTO_KEY, loadConfig } from '@app/config';
import { freePort } from '@app/testing';
import { JobName, QueueName } from '@app/queue';
import type { INestMicroservice } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { userEnvSchema } from '../../apps/user/src/config/user.config';
import { startUserService } from '../../apps/user/src/main';
import { workerEnvSchema } from '../../apps/worker/src/config/worker.config';
import { type RunningWorker, startWorker } from '../../apps/worker/src/main';
import { requestCounterRepair } from '../../apps/worker/src/repair-counters';
import { CounterRepairProcessor } from '../../apps/worker/src/statistics/counter-repair.processor';
import {
  type ArticleStack,
  IMG,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';
import { type NotificationTap, tapNotifications } from './support/notifications';

const AUTHOR = '1294287382374385000';
const FAN = '1294287382374385001';
const STRANGER = '1294287382374385002';
const NEWCOMER = '1294287382374385003';
const ARTICLE = '1300000000000005001';
const QUIET = '1300000000000005002';

type Method = 'GET' | 'POST' | 'DELETE';

interface CommentListItem {
  id: string;
  total_comment_count: number;
  fans_comment_count: number;
}

/**
 * 粉丝评论数 of the media platform's comment management (`GET /mp/v1_0/articles?response_type=comment`):
 * the approved comments and replies on an article by users who followed its author when they
 * commented, next to `total_comment_count`, which counts comments and replies alike.
 */
describe('fans_comment_count: comments and replies by the author’s followers', () => {
  let stack: ArticleStack;
  let mp: NestFastifyApplication;
  let restartedUser: INestMicroservice | undefined;
  let notifications: NotificationTap | undefined;
  const tokens = new Map<string, string>();

  const app = (method: Method, url: string, as: string, payload?: object) =>
    stack.gateway.inject({
      method,
      url: `/app/v1_0${url}`,
      headers: { authorization: `Bearer ${tokens.get(`app:${as}`)}` },
      ...(payload ? { payload } : {}),
    });
  const mpCall = (method: Method, url: string, payload?: object) =>
    mp.inject({
      method,
      url: `/mp/v1_0${url}`,
      headers: { authorization: `Bearer ${tokens.get(`mp:${AUTHOR}`)}` },
      ...(payload ? { payload } : {}),
    });
  /** A comment on ARTICLE, or a reply to comment `parent`, posted in the app. */
  const comment = async (as: string, parent?: string): Promise<string> => {
    const payload = parent
      ? { target: parent, content: `reply by ${as}`, art_id: ARTICLE }
      : { target: ARTICLE, content: `comment by ${as}`, art_id: null };
    const response = await app('POST', '/comments', as, payload);
    expect(response.statusCode).toBe(201);
    return response.json<{ data: { com_id: string } }>().data.com_id;
  };
  const counts = async (): Promise<Record<string, [total: number, fans: number]>> => {
    const response = await mpCall('GET', '/articles?response_type=comment');
    expect(response.statusCode).toBe(200);
    const rows = response.json<{ data: { results: CommentListItem[] } }>().data.results;
    return Object.fromEntries(
      rows.map((row) => [row.id, [row.total_comment_count, row.fans_comment_count]]),
    );
  };
  const follow = async (as: string, on: boolean) => {
    const response = on
      ? await app('POST', '/user/followings', as, { target: AUTHOR })
      : await app('DELETE', `/user/followings/${AUTHOR}`, as);
    expect(response.statusCode).toBe(on ? 201 : 204);
  };

  beforeAll(async () => {
    stack = await startArticleStack();
    await seedUsers(stack, [
      { id: AUTHOR, name: 'fans-author' },
      { id: FAN, name: 'fans-fan' },
      { id: STRANGER, name: 'fans-stranger' },
      { id: NEWCOMER, name: 'fans-newcomer' },
    ]);
    await seedArticles(stack, [
      {
        id: ARTICLE,
        authorId: AUTHOR,
        channelId: 1,
        title: 'commented',
        status: 2,
        createdAt: '2026-02-01 10:00:00',
      },
      {
        id: QUIET,
        authorId: AUTHOR,
        channelId: 1,
        title: 'quiet',
        status: 2,
        createdAt: '2026-02-01 11:00:00',
      },
    ]);
    await stack.sql('UPDATE news_article_basic SET allow_comment = 1');
    mp = await stack.startMediaPlatform();
    for (const id of [AUTHOR, FAN, STRANGER, NEWCOMER])
      tokens.set(`app:${id}`, await stack.signIn(id));
    tokens.set(`mp:${AUTHOR}`, await stack.signIn(AUTHOR, { verified: true, scope: 'mp' }));
    await follow(FAN, true);
  });

  afterAll(async () => {
    await notifications?.close();
    await restartedUser?.close();
    await stack?.close();
  });

  let strangersComment: string;
  let fansComment: string;

  it('counts a fan’s comment and reply; a stranger’s and the author’s (app or media platform) are not', async () => {
    strangersComment = await comment(STRANGER);
    fansComment = await comment(FAN);
    await comment(FAN, strangersComment);
    await comment(STRANGER, fansComment);
    await comment(AUTHOR);
    const authorsReply = await mpCall('POST', '/comments', {
      target: fansComment,
      content: 'thanks',
      art_id: ARTICLE,
    });
    expect(authorsReply.statusCode).toBe(201);

    expect(await counts()).toEqual({ [ARTICLE]: [6, 2], [QUIET]: [0, 0] });
    expect(
      await stack.sql(
        'SELECT user_id, parent_id IS NOT NULL AS reply, by_fan FROM news_comment WHERE by_fan = 1 ORDER BY comment_id',
      ),
    ).toEqual([
      { user_id: FAN, reply: 0, by_fan: 1 },
      { user_id: FAN, reply: 1, by_fan: 1 },
    ]);
  });

  it('goes by whom the commenter followed when commenting', async () => {
    await follow(STRANGER, true);
    await comment(STRANGER);
    expect(await counts()).toEqual({ [ARTICLE]: [7, 3], [QUIET]: [0, 0] });
    // Unfollowing keeps the comments counted; the next one is no fan's.
    await follow(FAN, false);
    await comment(FAN);
    expect(await counts()).toEqual({ [ARTICLE]: [8, 3], [QUIET]: [0, 0] });
  });

  it('loses a deleted fan’s comment once, and nothing for a stranger’s', async () => {
    expect((await mpCall('DELETE', `/comments/${fansComment}`)).statusCode).toBe(204);
    expect(await counts()).toEqual({ [ARTICLE]: [7, 2], [QUIET]: [0, 0] });
    expect((await mpCall('DELETE', `/comments/${fansComment}`)).statusCode).toBe(204);
    expect((await mpCall('DELETE', `/comments/${strangersComment}`)).statusCode).toBe(204);
    // The fan's reply to the deleted comment stays, counted in both columns alike.
    expect(await counts()).toEqual({ [ARTICLE]: [6, 2], [QUIET]: [0, 0] });
  });

  it('is rebuilt from the comments by the counter repair job after it was wiped', async () => {
    const env = {
      ...stack.env,
      WORKER_PORT: String(await freePort()),
      WORKER_QUEUES: QueueName.Statistics,
    };
    const worker: RunningWorker = await startWorker(loadConfig(workerEnvSchema, env));
    try {
      await stack.sql('DELETE FROM news_article_statistic WHERE article_id = ?', [ARTICLE]);
      await stack.sql(
        'INSERT INTO news_article_statistic (article_id, fans_comment_count) VALUES (?, 5) ON DUPLICATE KEY UPDATE fans_comment_count = 5',
        [QUIET],
      );
      expect(await counts()).toEqual({ [ARTICLE]: [6, 0], [QUIET]: [0, 5] });

      const run = await requestCounterRepair(loadConfig(workerEnvSchema, env), 20_000);
      expect(run.result && 'repaired' in run.result && run.result.repaired).toContainEqual({
        key: 'news_article_statistic.fans_comment_count',
        members: 1,
      });
      expect(await counts()).toEqual({ [ARTICLE]: [6, 2], [QUIET]: [0, 0] });
    } finally {
      await worker.close();
    }
  }, 30_000);

  it('posts comments while the user service is down, their fan status unknown until the counter repair reads the follows', async () => {
    // The names of both commenters are cached, as an active commenter's are; whom they follow is
    // not (expired), so only the user service could tell. STRANGER follows the author, FAN no longer.
    expect((await app('GET', `/comments?type=a&source=${ARTICLE}`, FAN)).statusCode).toBe(200);
    await stack.cache.del(CacheKeys.userRelationship(STRANGER), CacheKeys.userRelationship(FAN));
    await stack.userService.close();

    const posted = new Map<string, string>();
    for (const as of [STRANGER, FAN]) {
      const response = await app('POST', '/comments', as, {
        target: ARTICLE,
        content: `while the user service is down, by ${as}`,
        art_id: null,
      });
      expect({ status: response.statusCode, body: response.body }).toMatchObject({ status: 201 });
      const created = response.json<{ data: { com_id: string; new_obj: { aut_name: string } } }>();
      expect(created.data.new_obj.aut_name).toBe(as === FAN ? 'fans-fan' : 'fans-stranger');
      posted.set(as, created.data.com_id);
    }
    const fanStatus = async () =>
      stack.sql(
        'SELECT user_id, by_fan FROM news_comment WHERE comment_id IN (?) ORDER BY user_id',
        [[...posted.values()]],
      );
    expect(await fanStatus()).toEqual([
      { user_id: FAN, by_fan: null },
      { user_id: STRANGER, by_fan: null },
    ]);
    // Both are counted as comments now; neither as a fan's yet.
    expect(await counts()).toEqual({ [ARTICLE]: [8, 2], [QUIET]: [0, 0] });
    const listed = await app('GET', `/comments?type=a&source=${ARTICLE}`, FAN);
    expect(
      listed
        .json<{ data: { results: Array<{ com_id: string }> } }>()
        .data.results.map((item) => item.com_id),
    ).toEqual(expect.arrayContaining([...posted.values()]));

    restartedUser = await startUserService(loadConfig(userEnvSchema, stack.env));
    for (let tries = 0; (await app('GET', '/user', FAN)).statusCode !== 200; tries++) {
      if (tries === 100) throw new Error('the user service did not come back');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The nightly job of another minute than the repair above, on a worker of its own.
    const env = {
      ...stack.env,
      WORKER_PORT: String(await freePort()),
      WORKER_QUEUES: QueueName.Statistics,
    };
    const worker: RunningWorker = await startWorker(loadConfig(workerEnvSchema, env));
    try {
      const result = await worker.app.get(CounterRepairProcessor).process({
        id: `${JobName.RepairCounters}_202612010300`,
        name: JobName.RepairCounters,
        data: { scheduledFor: '202612010300' },
        attemptsMade: 0,
      });
      expect('repaired' in result && result.repaired).toContainEqual({
        key: 'news_article_statistic.fans_comment_count',
        members: 1,
      });
    } finally {
      await worker.close();
    }
    expect(await fanStatus()).toEqual([
      { user_id: FAN, by_fan: 0 },
      { user_id: STRANGER, by_fan: 1 },
    ]);
    expect(await counts()).toEqual({ [ARTICLE]: [8, 3], [QUIET]: [0, 0] });
  }, 30_000);

  it('posts a comment while the user service is down and the commenter’s profile is not cached, shown without a name until it is back', async () => {
    await stack.cache.del(CacheKeys.userProfile(NEWCOMER));
    await restartedUser?.close();
    notifications = await tapNotifications(stack.redis);

    const refused = await app('POST', '/comments', NEWCOMER, {
      target: ARTICLE,
      content: ' ',
      art_id: null,
    });
    expect({
      status: refused.statusCode,
      message: refused.json<{ message: string }>().message,
    }).toEqual({
      status: 400,
      message: 'Empty content.',
    });
    const response = await app('POST', '/comments', NEWCOMER, {
      target: ARTICLE,
      content: 'by a reader the user service cannot name now',
      art_id: null,
    });
    expect({ status: response.statusCode, body: response.body }).toMatchObject({ status: 201 });
    const created = response.json<{
      data: { com_id: string; new_obj: { aut_id: string; aut_name: string; aut_photo: string } };
    }>().data;
    expect(created.new_obj).toMatchObject({
      aut_id: NEWCOMER,
      aut_name: '',
      aut_photo: `${IMG}${DEFAULT_PHOTO_KEY}`,
    });
    expect(
      await stack.sql('SELECT user_id, content FROM news_comment WHERE comment_id = ?', [
        created.com_id,
      ]),
    ).toEqual([{ user_id: NEWCOMER, content: 'by a reader the user service cannot name now' }]);
    // The author is not notified by a commenter the notification could not name.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(
      notifications.published.filter((item) => item.message.includes('comment notify')),
    ).toEqual([]);

    restartedUser = await startUserService(loadConfig(userEnvSchema, stack.env));
    for (let tries = 0; (await app('GET', '/user', NEWCOMER)).statusCode !== 200; tries++) {
      if (tries === 100) throw new Error('the user service did not come back');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const listed = await app('GET', `/comments?type=a&source=${ARTICLE}&limit=50`, NEWCOMER);
    expect(listed.statusCode).toBe(200);
    const items = listed.json<{ data: { results: Array<{ com_id: string; aut_name: string }> } }>()
      .data.results;
    expect(items.filter((item) => item.com_id === created.com_id)).toEqual([
      expect.objectContaining({ com_id: created.com_id, aut_name: 'fans-newcomer' }),
    ]);
  }, 30_000);
});
