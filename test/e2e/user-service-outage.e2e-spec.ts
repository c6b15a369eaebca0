import { CacheKeys, StateKeys } from '@app/cache';
import { DEFAULT_PHOTO_KEY, loadConfig } from '@app/config';
import { eventually } from '@app/testing';
import type { INestMicroservice } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { userEnvSchema } from '../../apps/user/src/config/user.config';
import { startUserService } from '../../apps/user/src/main';

import {
  type ArticleStack,
  IMG,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';

const AUTHOR = '1294287382374386000';
const READER = '1294287382374386001';
const ARTICLE = '1300000000000006001';
const CHANNEL = 3;

interface Named {
  aut_id: string;
  aut_name: string;
  aut_photo?: string;
}

/**
 * With the user service down, what a reader reads still answers: authors whose profile no cache
 * holds are shown without a name and with the default photo (as a user who no longer exists),
 * where the whole answer used to fail.
 */
describe('reading while the user service is down', () => {
  let stack: ArticleStack;
  let replica: NestFastifyApplication;
  let restartedUser: INestMicroservice | undefined;
  let commentId: string;
  let token: string;

  beforeAll(async () => {
    stack = await startArticleStack();
    await seedUsers(stack, [
      { id: AUTHOR, name: 'outage-author' },
      { id: READER, name: 'outage-reader' },
    ]);
    await stack.sql(
      `INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (${CHANNEL}, 'go', 1, 1, 1)`,
    );
    await seedArticles(stack, [
      {
        id: ARTICLE,
        authorId: AUTHOR,
        channelId: CHANNEL,
        title: 'An article read during an outage',
        status: 2,
        createdAt: '2026-12-01 08:00:00',
      },
    ]);
    token = await stack.signIn(READER);
    const posted = await stack.gateway.inject({
      method: 'POST',
      url: '/app/v1_0/comments',
      headers: { authorization: `Bearer ${token}` },
      payload: { target: ARTICLE, content: 'read before the outage', art_id: null },
    });
    expect(posted.statusCode).toBe(201);
    commentId = posted.json<{ data: { com_id: string } }>().data.com_id;

    await stack.userService.close();
    // A replica started now holds no profile in process, and the cache Redis none either.
    await stack.cache.del(CacheKeys.userProfile(AUTHOR), CacheKeys.userProfile(READER));
    replica = await stack.startGateway();
  }, 30_000);

  afterAll(async () => {
    await restartedUser?.close();
    await stack?.close();
  });

  const get = (url: string) => replica.inject({ method: 'GET', url: `/app/v1_0${url}` });
  const unnamed = (id: string): Named => ({
    aut_id: id,
    aut_name: '',
    aut_photo: `${IMG}${DEFAULT_PHOTO_KEY}`,
  });

  it('lists an article’s comments, their authors unnamed', async () => {
    const response = await get(`/comments?type=a&source=${ARTICLE}`);
    expect({ status: response.statusCode, body: response.json<object>() }).toMatchObject({
      status: 200,
      body: { data: { total_count: 1, results: [{ com_id: commentId, ...unnamed(READER) }] } },
    });
  });

  it('lists a channel’s articles, their authors unnamed', async () => {
    const response = await get(`/articles?channel_id=${CHANNEL}`);
    expect({ status: response.statusCode, body: response.json<object>() }).toMatchObject({
      status: 200,
      body: { data: { results: [{ art_id: ARTICLE, aut_id: AUTHOR, aut_name: '' }] } },
    });
  });

  it('shows an article to anonymous readers, its author unnamed with the default photo', async () => {
    // The second read finds the detail the first one cached, as every later read will.
    for (const response of [await get(`/articles/${ARTICLE}`), await get(`/articles/${ARTICLE}`)]) {
      expect({ status: response.statusCode, body: response.json<object>() }).toMatchObject({
        status: 200,
        body: { data: { art_id: ARTICLE, ...unnamed(AUTHOR) } },
      });
    }
  });

  it('shows an article to signed-in readers, with their like and collection, not following the author', async () => {
    const as = { authorization: `Bearer ${token}` };
    for (const [method, url] of [
      ['POST', '/article/likings'],
      ['POST', '/article/collections'],
    ] as const) {
      const answer = await replica.inject({
        method,
        url: `/app/v1_0${url}`,
        headers: as,
        payload: { target: ARTICLE },
      });
      expect({ url, status: answer.statusCode }).toEqual({ url, status: 201 });
    }
    // Nor does any cache hold whom the reader follows (it expired during the outage).
    await stack.cache.del(CacheKeys.userRelationship(READER));
    const response = await replica.inject({
      method: 'GET',
      url: `/app/v1_0/articles/${ARTICLE}`,
      headers: as,
    });
    expect({ status: response.statusCode, body: response.json<object>() }).toMatchObject({
      status: 200,
      body: {
        data: {
          art_id: ARTICLE,
          ...unnamed(AUTHOR),
          is_followed: false,
          attitude: 1,
          is_collected: true,
        },
      },
    });
  });

  it('counts a signed-in reader’s reading-time report, not as a fan’s, when whom they follow cannot be read', async () => {
    await stack.cache.del(CacheKeys.userRelationship(READER));
    const trace = JSON.stringify({
      action: 'read',
      userId: READER,
      articleId: ARTICLE,
      algorithmCombine: 'C2',
    });
    const report = await replica.inject({
      method: 'POST',
      url: '/app/v1_0/reading/durations',
      headers: { authorization: `Bearer ${token}`, trace },
      payload: { art_id: ARTICLE, duration: 30 },
    });
    expect([report.statusCode, report.body]).toEqual([201, '{"message":"OK"}']);
    const stats = await eventually(
      () => stack.state.hgetall(StateKeys.articleReadingStats(ARTICLE)),
      (fields) => fields.reports !== undefined,
      'the report counted',
    );
    expect(stats).toMatchObject({ reports: '1', seconds: '30' });
    expect(stats).not.toHaveProperty('fans');
  });

  it('still answers 503 where the answer itself is about a user: their published articles', async () => {
    const response = await get(`/users/${AUTHOR}/articles`);
    expect(response.statusCode).toBe(503);
  });

  it('names the author again once the user service is back, the page built without the name not kept', async () => {
    restartedUser = await startUserService(loadConfig(userEnvSchema, stack.env));
    for (let tries = 0; (await get(`/users/${AUTHOR}/articles`)).statusCode !== 200; tries++) {
      if (tries === 100) throw new Error('the user service did not come back');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const page = await get(`/articles/${ARTICLE}`);
    expect(page.json<{ data: Named }>().data).toMatchObject({
      aut_id: AUTHOR,
      aut_name: 'outage-author',
    });
    const comments = await get(`/comments?type=a&source=${ARTICLE}`);
    expect(comments.json<{ data: { results: Named[] } }>().data.results).toEqual([
      expect.objectContaining({ aut_id: READER, aut_name: 'outage-reader' }),
    ]);
  }, 30_000);
});
