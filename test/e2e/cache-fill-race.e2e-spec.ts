import { CacheKeys, REDIS_CACHE, TwoLevelCache } from '@app/cache';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type Redis from 'ioredis';

import { ChannelsRepository } from '../../apps/news/src/channels/channels.repository';
import { ChannelsService } from '../../apps/news/src/channels/channels.service';
import { CommentLikingsRepository } from '../../apps/news/src/comments/comment-likings.repository';
import { CommentsRepository } from '../../apps/news/src/comments/comments.repository';
import { UsersRepository } from '../../apps/user/src/users/users.repository';

import {
  type ArticleStack,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';
import { holdRead } from './support/held-read';
import { recordRedis } from './support/redis-recorder';

const AUTHOR = '1294287382374383716';
const READER = '1294287382374383717';
/** Never listed as a comment's author, so nothing has cached their profile before the race. */
const RENAMER = '1294287382374383718';
const ARTICLE = '1300000000000000021';
const COMMENT = '1310000000000000021';

describe('cache fills that race a write (gateway, news and user services, media platform)', () => {
  let stack: ArticleStack;
  let mp: NestFastifyApplication;
  const tokens = new Map<string, string>();

  const appGet = (url: string, as = READER) =>
    stack.gateway.inject({
      method: 'GET',
      url: `/app/v1_0${url}`,
      headers: { authorization: `Bearer ${tokens.get(as)}` },
    });
  const appComments = async (
    as = READER,
  ): Promise<Array<{ com_id: string; is_top: 0 | 1; is_liking: boolean }>> => {
    const response = await appGet(`/comments?type=a&source=${ARTICLE}`, as);
    expect(response.statusCode).toBe(200);
    return response.json<{
      data: { results: Array<{ com_id: string; is_top: 0 | 1; is_liking: boolean }> };
    }>().data.results;
  };

  /** A field of a cached JSON value; undefined when the key is not cached. */
  const cachedField = async (key: string, field: string): Promise<unknown> => {
    const value = await stack.cache.get(key);
    return value === null ? undefined : (JSON.parse(value) as Record<string, unknown>)[field];
  };

  beforeAll(async () => {
    stack = await startArticleStack();
    await seedUsers(stack, [
      { id: AUTHOR, name: 'author' },
      { id: READER, name: 'reader' },
      { id: RENAMER, name: 'renamer' },
    ]);
    await seedArticles(stack, [
      {
        id: ARTICLE,
        authorId: AUTHOR,
        channelId: 1,
        title: 'raced',
        status: 2,
        createdAt: '2024-01-01 00:00:00',
      },
    ]);
    await stack.sql('UPDATE news_article_basic SET allow_comment = 1');
    await stack.sql(
      `INSERT INTO news_comment (comment_id, user_id, article_id, parent_id, content, is_top, status, create_time)
       VALUES (?, ?, ?, NULL, 'first', 0, 1, '2024-01-02 00:00:00')`,
      [COMMENT, READER, ARTICLE],
    );
    await stack.state.zadd('count:art:comm', 1, ARTICLE);
    mp = await stack.startMediaPlatform();
    tokens.set(AUTHOR, await stack.signIn(AUTHOR, { verified: true, scope: 'mp' }));
    tokens.set(READER, await stack.signIn(READER));
    tokens.set(RENAMER, await stack.signIn(RENAMER));
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('does not cache a comment as a page read it before its author made it sticky', async () => {
    const newsService = stack.newsService;
    if (!newsService) throw new Error('the news service is not running');
    const held = holdRead(newsService.get(CommentsRepository), 'findApproved');
    try {
      const reading = appComments();
      await held.read;
      const sticky = await mp.inject({
        method: 'PUT',
        url: `/mp/v1_0/comments/${COMMENT}/sticky`,
        headers: { authorization: `Bearer ${tokens.get(AUTHOR)}` },
        payload: { sticky: true },
      });
      expect(sticky.statusCode).toBe(200);
      held.release();
      // That page was read before the write: it may say so.
      expect(await reading).toEqual([expect.objectContaining({ com_id: COMMENT, is_top: 0 })]);
    } finally {
      held.restore();
    }

    expect(await cachedField(`comm:${COMMENT}`, 'is_top')).not.toBe(0);
    expect(await appComments()).toEqual([expect.objectContaining({ com_id: COMMENT, is_top: 1 })]);
    expect(await appComments()).toEqual([expect.objectContaining({ com_id: COMMENT, is_top: 1 })]);
  });

  it('does not cache a profile as a read loaded it before the user renamed themselves', async () => {
    const held = holdRead(stack.userService.get(UsersRepository), 'findById');
    try {
      const reading = appGet('/user', RENAMER);
      await held.read;
      const renamed = await stack.gateway.inject({
        method: 'PATCH',
        url: '/app/v1_0/user/profile',
        headers: { authorization: `Bearer ${tokens.get(RENAMER)}` },
        payload: { name: 'renamed' },
      });
      expect(renamed.statusCode).toBe(201);
      held.release();
      expect((await reading).json<{ data: { name: string } }>().data.name).toBe('renamer');
    } finally {
      held.restore();
    }

    expect(await cachedField(`user:${RENAMER}:profile`, 'name')).not.toBe('renamer');
    expect((await appGet('/user', RENAMER)).json<{ data: { name: string } }>().data.name).toBe(
      'renamed',
    );
    expect((await appGet(`/users/${RENAMER}`)).json<{ data: { name: string } }>().data.name).toBe(
      'renamed',
    );
  });

  it('does not cache the comments a user likes as read before their like', async () => {
    const newsService = stack.newsService;
    if (!newsService) throw new Error('the news service is not running');
    const liker = RENAMER;
    const held = holdRead(newsService.get(CommentLikingsRepository), 'likedCommentIds');
    try {
      const reading = appComments(liker);
      await held.read;
      const liked = await stack.gateway.inject({
        method: 'POST',
        url: '/app/v1_0/comment/likings',
        headers: { authorization: `Bearer ${tokens.get(liker)}` },
        payload: { target: COMMENT },
      });
      expect(liked.statusCode).toBe(201);
      held.release();
      expect(await reading).toEqual([
        expect.objectContaining({ com_id: COMMENT, is_liking: false }),
      ]);
    } finally {
      held.restore();
    }

    expect(await stack.cache.sismember(`user:${liker}:comm:liking`, COMMENT)).toBe(
      (await stack.cache.exists(`user:${liker}:comm:liking`)) === 1 ? 1 : 0,
    );
    expect(await appComments(liker)).toEqual([
      expect.objectContaining({ com_id: COMMENT, is_liking: true }),
    ]);
    expect(await appComments(liker)).toEqual([
      expect.objectContaining({ com_id: COMMENT, is_liking: true }),
    ]);
  });

  describe('the channel lists (`ch:all`, `ch:user:default`) read before a channel edit', () => {
    /** What a channel edit does after its write: drop the channel lists in Redis and in every replica. */
    const channelsEdited = () =>
      stack
        .newsService!.get(TwoLevelCache)
        .invalidate(CacheKeys.allChannels(), CacheKeys.defaultChannels());
    const listed = async (url: string): Promise<number[]> => {
      const response = await stack.gateway.inject({ method: 'GET', url: `/app/v1_0${url}` });
      expect(response.statusCode).toBe(200);
      return response
        .json<{ data: { channels: Array<{ id: number }> } }>()
        .data.channels.map(({ id }) => id);
    };
    const cachedIds = async (key: string): Promise<number[] | undefined> => {
      const value = await stack.cache.get(key);
      return value === null
        ? undefined
        : (JSON.parse(value) as Array<{ id: number }>).map(({ id }) => id);
    };
    const latestPageStatus = async (channelId: number) =>
      (
        await stack.gateway.inject({
          method: 'GET',
          url: `/app/v1_0/articles?channel_id=${channelId}&page=1&per_page=10`,
        })
      ).statusCode;
    /** Reads `url` with the channel list held after its MySQL read, hides java (5) and shows `hidden` (3) meanwhile. */
    const editDuringFill = async (url: string): Promise<void> => {
      await channelsEdited();
      const held = holdRead(stack.newsService!.get(ChannelsRepository), 'findVisible');
      try {
        const reading = listed(url);
        await held.read;
        await stack.sql(
          'UPDATE news_channel SET is_visible = 1 - is_visible WHERE channel_id IN (3, 5)',
        );
        await channelsEdited();
        held.release();
        await reading;
      } finally {
        held.release();
        held.restore();
      }
    };

    beforeAll(async () => {
      await stack.sql(
        `INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES
         (2, 'python', 1, 1, 1), (3, 'hidden', 0, 0, 1), (5, 'java', 3, 1, 1)`,
      );
    });

    afterEach(async () => {
      await stack.sql('UPDATE news_channel SET is_visible = 1 WHERE channel_id = 5');
      await stack.sql('UPDATE news_channel SET is_visible = 0 WHERE channel_id = 3');
      await channelsEdited();
    });

    it('does not cache every visible channel as read before the edit, in Redis or in the gateway: the hidden channel is refused and the shown one served', async () => {
      await editDuringFill('/channels');

      const cached = await cachedIds(CacheKeys.allChannels());
      expect(cached === undefined || (cached.includes(3) && !cached.includes(5))).toBe(true);
      expect(await latestPageStatus(5)).toBe(400);
      expect(await latestPageStatus(3)).toBe(200);
      expect(await listed('/channels')).toEqual(expect.arrayContaining([3]));
      expect(await listed('/channels')).not.toContain(5);
      expect(await cachedIds(CacheKeys.allChannels())).not.toContain(5);
    });

    it('does not cache the default channels as read before the edit', async () => {
      await editDuringFill('/user/channels');

      const cached = await cachedIds(CacheKeys.defaultChannels());
      expect(cached === undefined || cached.includes(3)).toBe(true);
      expect(await listed('/user/channels')).toContain(3);
      expect(await cachedIds(CacheKeys.defaultChannels())).toContain(3);
    });

    it('still reads a cached list with one GET of Redis, and fills a missing one in three round trips', async () => {
      const channels = stack.newsService!.get(ChannelsService);
      await channelsEdited();
      const redis = recordRedis(stack.newsService!.get<Redis>(REDIS_CACHE));
      try {
        await channels.list(false);
        expect(redis.writes).toBe(3);
        redis.reset();
        await channels.list(false);
        expect(redis.commands).toEqual(['get']);
      } finally {
        redis.stop();
      }
    });
  });
});
