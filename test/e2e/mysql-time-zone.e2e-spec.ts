import { formatDateTime } from '@app/config';
import { type MariaDbServer, startMariaDbServer } from '@app/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { type ArticleStack, seedUsers, startArticleStack } from './support/article-stack';

const AUTHOR = '1294287382374383616';
const TZ = 'Asia/Shanghai';
/** Far more than a create and a list take, far less than the 8 hours a zone mix-up is off by. */
const SLACK_MS = 60_000;

interface ListedArticle {
  id: string;
  pubdate: string;
}

/**
 * The database stores UTC (contract §1) whatever time zone the MySQL server runs in: a server set
 * to its country's local time (`default-time-zone=+08:00`, as managed MySQL in China ships) must
 * not shift the times MySQL fills in itself (create_time, update_time) by its offset.
 */
describe('a MySQL server whose time zone is not UTC (e2e: media platform, user and news)', () => {
  let mariadb: MariaDbServer;
  let stack: ArticleStack;
  let mp: NestFastifyApplication;
  let auth: Record<string, string>;

  beforeAll(async () => {
    mariadb = await startMariaDbServer({ args: ['--default-time-zone=+08:00'] });
    stack = await startArticleStack({ TZ }, undefined, mariadb.address);
    await seedUsers(stack, [{ id: AUTHOR, name: 'author' }]);
    await stack.sql(
      "INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (1, 'html', 1, 1, 1)",
    );
    mp = await stack.startMediaPlatform();
    auth = {
      authorization: `Bearer ${await stack.signIn(AUTHOR, { verified: true, scope: 'mp' })}`,
    };
  });

  afterAll(async () => {
    await stack?.close();
    await mariadb?.remove();
  });

  it("stores an article's create time in UTC and lists it under the day and time it was written", async () => {
    const before = Date.now();
    const created = await mp.inject({
      method: 'POST',
      url: '/mp/v1_0/articles?draft=true',
      payload: {
        title: 'Written just now',
        content: '<p>now</p>',
        cover: { type: 0, images: [] },
        channel_id: 1,
      },
      headers: auth,
    });
    expect(created.statusCode).toBe(201);
    const id = created.json<{ data: { id: string } }>().data.id;

    const [row] = (await stack.sql(
      "SELECT DATE_FORMAT(create_time, '%Y-%m-%dT%H:%i:%sZ') AS created FROM news_article_basic WHERE article_id = ?",
      [id],
    )) as Array<{ created: string }>;
    expect(Math.abs(Date.parse(row.created) - before)).toBeLessThan(SLACK_MS);

    const today = formatDateTime(new Date(), TZ).slice(0, 10);
    const listed = await mp.inject({
      method: 'GET',
      url: `/mp/v1_0/articles?begin_pubdate=${today}&end_pubdate=${today}`,
      headers: auth,
    });
    const results = listed.json<{ data: { results: ListedArticle[] } }>().data.results;
    expect(results.map((article) => article.id)).toEqual([id]);
    const shown = Date.parse(`${results[0].pubdate.replace(' ', 'T')}+08:00`);
    expect(Math.abs(shown - before)).toBeLessThan(SLACK_MS);
  });
});
