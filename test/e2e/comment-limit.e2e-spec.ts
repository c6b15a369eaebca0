import { setTimeout as sleep } from 'node:timers/promises';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import {
  type ArticleStack,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';
import { type NotificationTap, tapNotifications, waitFor } from './support/notifications';

const AUTHOR = '1294287382374383616';
const READER = '1294287382374383617';
const FLOODER = '1294287382374383618';
const CARELESS = '1294287382374383619';
const FRESH = '1294287382374383620';

const ART = '1300000000000000001';
const CLOSED_ART = '1300000000000000002';
const MISSING_COMMENT = '1399999999999999999';

/** A burst of three (one comment every 20 s after it), which no test here waits out. */
const PER_MINUTE = 3;
const TOO_MANY = { status: 429, body: { message: 'Too many requests.' } };

type Method = 'GET' | 'POST';

describe('the per-account comment limit through the gateway and the media platform', () => {
  let stack: ArticleStack;
  let mp: NestFastifyApplication;
  let notifications: NotificationTap;
  const tokens = new Map<string, string>();

  const app = (method: Method, url: string, as: string, payload?: object) =>
    stack.gateway.inject({
      method,
      url: `/app/v1_0${url}`,
      headers: { authorization: `Bearer ${tokens.get(as)}` },
      ...(payload ? { payload } : {}),
    });
  const answer = async (response: ReturnType<typeof app>) => {
    const settled = await response;
    return { status: settled.statusCode, body: settled.json<unknown>() };
  };
  const post = (as: string, payload: object) => answer(app('POST', '/comments', as, payload));
  const postedId = async (as: string, payload: object): Promise<string> => {
    const response = await app('POST', '/comments', as, payload);
    expect(response.statusCode).toBe(201);
    return response.json<{ data: { com_id: string } }>().data.com_id;
  };
  const rowsOf = async (userId: string): Promise<number> =>
    (
      (await stack.sql('SELECT COUNT(*) AS n FROM news_comment WHERE user_id = ?', [
        userId,
      ])) as Array<{ n: number | string }>
    ).map(({ n }) => Number(n))[0];
  const counter = async (key: string, id: string) =>
    Number((await stack.state.zscore(key, id)) ?? 0);

  beforeAll(async () => {
    stack = await startArticleStack({
      COMMENT_LIMIT_PER_MINUTE: PER_MINUTE,
      COMMENT_LIMIT_PER_DAY: 100,
    });
    notifications = await tapNotifications(stack.redis);
    await seedUsers(stack, [
      { id: AUTHOR, name: 'author' },
      { id: READER, name: 'reader' },
      { id: FLOODER, name: 'flooder' },
      { id: CARELESS, name: 'careless' },
      { id: FRESH, name: 'fresh' },
    ]);
    await seedArticles(stack, [
      {
        id: ART,
        authorId: AUTHOR,
        channelId: 1,
        title: 'commented',
        status: 2,
        createdAt: '2024-01-01 00:00:00',
      },
      {
        id: CLOSED_ART,
        authorId: AUTHOR,
        channelId: 1,
        title: 'closed',
        status: 2,
        createdAt: '2024-01-02 00:00:00',
      },
    ]);
    await stack.sql('UPDATE news_article_basic SET allow_comment = 1 WHERE article_id = ?', [ART]);
    await stack.sql('UPDATE news_article_basic SET allow_comment = 0 WHERE article_id = ?', [
      CLOSED_ART,
    ]);
    mp = await stack.startMediaPlatform();
    for (const id of [AUTHOR, READER, FLOODER, CARELESS, FRESH])
      tokens.set(id, await stack.signIn(id));
    tokens.set(`mp:${AUTHOR}`, await stack.signIn(AUTHOR, { scope: 'mp', verified: true }));
  });

  afterAll(async () => {
    await notifications?.close();
    await stack?.close();
  });

  it("answers an account's comment past its burst 429 Too many requests., storing, counting and notifying nothing, replies alike", async () => {
    const first = await postedId(READER, { target: ART, content: 'one', art_id: null });
    await postedId(READER, { target: ART, content: 'two', art_id: null });
    await postedId(READER, { target: first, content: 'a reply', art_id: ART });
    await waitFor(() => notifications.published.length === 2);
    const counted = await counter('count:art:comm', ART);

    expect(await post(READER, { target: ART, content: 'three', art_id: null })).toEqual(TOO_MANY);
    expect(await post(READER, { target: first, content: 'another reply', art_id: ART })).toEqual(
      TOO_MANY,
    );

    expect(await rowsOf(READER)).toBe(PER_MINUTE);
    expect(await counter('count:art:comm', ART)).toBe(counted);
    expect(await counter('count:art:reply', first)).toBe(1);
    await sleep(300);
    expect(notifications.published).toHaveLength(2);
    // Another account has an allowance of its own.
    expect((await post(FRESH, { target: ART, content: 'me too', art_id: null })).status).toBe(201);
  });

  it('holds concurrent comments of one account to its burst', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        post(FLOODER, { target: ART, content: `flood ${index}`, art_id: null }),
      ),
    );
    expect(answers.filter(({ status }) => status === 201)).toHaveLength(PER_MINUTE);
    expect(answers.filter(({ status }) => status !== 201)).toEqual(
      Array.from({ length: 8 - PER_MINUTE }, () => TOO_MANY),
    );
    expect(await rowsOf(FLOODER)).toBe(PER_MINUTE);
  });

  it('takes nothing of the allowance for a comment refused as bad input', async () => {
    for (let attempt = 0; attempt < PER_MINUTE + 1; attempt += 1) {
      expect(
        await post(CARELESS, { target: MISSING_COMMENT, content: 'lost', art_id: ART }),
      ).toEqual({
        status: 400,
        body: { message: 'Invalid target comment id.' },
      });
      expect(await post(CARELESS, { target: CLOSED_ART, content: 'closed', art_id: null })).toEqual(
        {
          status: 400,
          body: { message: 'Article denied comment.' },
        },
      );
      expect((await post(CARELESS, { target: ART, content: ' ', art_id: null })).status).toBe(400);
    }
    for (let comment = 0; comment < PER_MINUTE; comment += 1) {
      expect(
        (await post(CARELESS, { target: ART, content: `now right ${comment}`, art_id: null }))
          .status,
      ).toBe(201);
    }
    expect(await post(CARELESS, { target: ART, content: 'one too many', art_id: null })).toEqual(
      TOO_MANY,
    );
  });

  it("counts an author's media-platform replies in the account's allowance, and answers them 429 too", async () => {
    const target = await postedId(FRESH, { target: ART, content: 'dear author', art_id: null });
    const reply = (content: string) =>
      answer(
        mp.inject({
          method: 'POST',
          url: '/mp/v1_0/comments',
          headers: { authorization: `Bearer ${tokens.get(`mp:${AUTHOR}`)}` },
          payload: { target, content, art_id: ART },
        }),
      );
    expect(
      (await post(AUTHOR, { target: ART, content: 'from the app', art_id: null })).status,
    ).toBe(201);
    for (let index = 1; index < PER_MINUTE; index += 1)
      expect((await reply(`thanks ${index}`)).status).toBe(201);

    expect(await reply('thanks again')).toEqual(TOO_MANY);
    expect(await post(AUTHOR, { target: ART, content: 'and from the app', art_id: null })).toEqual(
      TOO_MANY,
    );
    expect(await rowsOf(AUTHOR)).toBe(PER_MINUTE);
    expect(await counter('count:art:reply', target)).toBe(PER_MINUTE - 1);
  });
});
