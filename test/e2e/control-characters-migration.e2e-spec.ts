import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { MysqlQueryRunner } from 'typeorm/driver/mysql/MysqlQueryRunner';

import { CounterKeys } from '@app/cache';
import { mysqlDataSourceOptions, type ServiceSchema } from '@app/database';

import { NEWS_SCHEMA } from '../../apps/news/src/database/news-schema';
import { USER_SCHEMA } from '../../apps/user/src/database/user-schema';

import {
  type ArticleStack,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';

const NEWS_MIGRATION = 'StripNewsControlCharacters1764460000000';
const USER_MIGRATION = 'StripUserControlCharacters1764460000000';
const AUTHOR = '1294287382374383970';
const DIRTY_USER = '1294287382374383971';
const TAKEN_NAME_USER = '1294287382374383972';
const CLEAN_USER = '1294287382374383973';
const DIRTY_ARTICLE = '1500000000000000911';
const CLEAN_ARTICLE = '1500000000000000912';
const DIRTY_COMMENT = '1330000000000000911';
const CLEAN_COMMENT = '1330000000000000912';
const ARTICLES = '/mp/v1_0/articles';

/** The tables the repair may write, by the key its UPDATE names. */
const REPAIRED_TABLES =
  /^\s*UPDATE (news_article_basic|news_article_content|news_comment|news_report|user_basic|user_profile)\b/;

interface Snapshot {
  articles: unknown[];
  contents: unknown[];
  comments: unknown[];
  reports: unknown[];
  keywords: unknown[];
  users: unknown[];
  profiles: unknown[];
}

describe('data repair: control characters stored before the edges refused them', () => {
  let stack: ArticleStack;
  let mp: NestFastifyApplication;
  let auth: Record<string, string>;
  let cleanReport: string;
  let dirtyReport: string;

  /** Every row the repair may touch, with its update_time. */
  const snapshot = async (): Promise<Snapshot> => ({
    articles: (await stack.sql(
      'SELECT article_id, title, update_time FROM news_article_basic ORDER BY article_id',
    )) as unknown[],
    contents: (await stack.sql(
      'SELECT article_id, content FROM news_article_content ORDER BY article_id',
    )) as unknown[],
    comments: (await stack.sql(
      'SELECT comment_id, content, update_time FROM news_comment ORDER BY comment_id',
    )) as unknown[],
    reports: (await stack.sql(
      'SELECT report_id, remark, update_time FROM news_report ORDER BY report_id',
    )) as unknown[],
    keywords: (await stack.sql(
      'SELECT keyword, search_count FROM news_search_keyword ORDER BY keyword',
    )) as unknown[],
    users: (await stack.sql(
      'SELECT user_id, user_name, introduction, update_time FROM user_basic ORDER BY user_id',
    )) as unknown[],
    profiles: (await stack.sql(
      'SELECT user_id, real_name, update_time FROM user_profile ORDER BY user_id',
    )) as unknown[],
  });

  /**
   * Runs a service's migration again as the migration Job does (configured by the environment)
   * and answers the migrations applied and the rows (`table key`) it updated.
   */
  const runAgain = async (
    schema: ServiceSchema,
    migration: string,
  ): Promise<{ applied: string[]; updated: string[] }> => {
    const saved = Object.keys(stack.env).map((name) => [name, process.env[name]] as const);
    Object.assign(process.env, stack.env);
    const dataSource = await new DataSource(
      mysqlDataSourceOptions(stack.database.settings, schema),
    ).initialize();
    const spy = jest.spyOn(MysqlQueryRunner.prototype, 'query');
    const start = spy.mock.calls.length;
    try {
      await dataSource.query(`DELETE FROM migrations_${schema.service} WHERE name = ?`, [
        migration,
      ]);
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      // Only the statements that succeeded: an UPDATE refused by a unique key wrote nothing.
      const outcomes = await Promise.allSettled(
        spy.mock.results.slice(start).map((result) => result.value as Promise<unknown>),
      );
      const updated = spy.mock.calls.slice(start).flatMap(([sql, parameters], index) => {
        const table = REPAIRED_TABLES.exec(sql)?.[1];
        return table && outcomes[index].status === 'fulfilled' && Array.isArray(parameters)
          ? [`${table} ${String(parameters[1])}`]
          : [];
      });
      return { applied: applied.map((each) => each.name), updated: updated.sort() };
    } finally {
      spy.mockRestore();
      await dataSource.destroy();
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  };

  /** The article as the publish admin loads it, sent back as it saves it. */
  const saveAsLoaded = async (id: string): Promise<number> => {
    const loaded = await mp.inject({ method: 'GET', url: `${ARTICLES}/${id}`, headers: auth });
    expect(loaded.statusCode).toBe(200);
    const { title, content, cover, channel_id } = loaded.json<{
      data: { title: string; content: string; cover: unknown; channel_id: number };
    }>().data;
    const saved = await mp.inject({
      method: 'PUT',
      url: `${ARTICLES}/${id}?draft=false`,
      payload: { title, content, cover, channel_id },
      headers: auth,
    });
    return saved.statusCode;
  };
  const appGet = async (url: string) => {
    const reply = await stack.gateway.inject({ method: 'GET', url: `/app/v1_0${url}` });
    expect(reply.statusCode).toBe(200);
    return reply;
  };
  const cached = async (...keys: string[]) => stack.cache.exists(...keys);
  const cachedOf = async (keys: string[]) => {
    const found = await Promise.all(keys.map((key) => stack.cache.exists(key)));
    return keys.filter((_, index) => found[index] === 1);
  };

  beforeAll(async () => {
    stack = await startArticleStack({
      AUTO_APPROVE_AUTHORS: AUTHOR,
      // The sanitising worker, started from the TypeScript sources, compiles them first.
      GRPC_DEADLINE_MS: 30_000,
      ARTICLE_HTML_WAIT_LIMIT_MS: 20_000,
    });
    await seedUsers(stack, [{ id: AUTHOR, name: 'author' }]);
    const users: Array<[string, string, string, string | null]> = [
      [DIRTY_USER, '13900000101', 'ab\u0007cd', '\u0085hi\u000bthere\r\nnext\t'],
      // As the unique key's collation ignores control characters, a name holding one is taken by
      // no other; but spaced it can be.
      [TAKEN_NAME_USER, '13900000102', 'a\u000bb', 'tab\tted'],
      [CLEAN_USER, '13900000103', 'a b', 'plain intro'],
    ];
    for (const [id, mobile, name, intro] of users)
      await stack.sql(
        `INSERT INTO user_basic (user_id, mobile, user_name, introduction, status, update_time)
         VALUES (?, ?, ?, ?, 1, '2025-01-01 00:00:00')`,
        [id, mobile, name, intro],
      );
    await stack.sql(
      `INSERT INTO user_profile (user_id, gender, real_name, update_time)
       VALUES (?, 0, 'Zh\u0000ang', '2025-01-01 00:00:00'), (?, 0, 'Li', '2025-01-01 00:00:00')`,
      [DIRTY_USER, CLEAN_USER],
    );
    await stack.sql(
      "INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (1, 'ctl', 1, 1, 1)",
    );
    await seedArticles(stack, [
      {
        id: DIRTY_ARTICLE,
        authorId: AUTHOR,
        channelId: 1,
        title: 'Title\u0001 with\u000bbreak',
        status: 2,
        createdAt: '2026-01-02 03:04:05',
        content: '<p>a\u0002b&#1;c\u000cd</p>',
      },
      {
        id: CLEAN_ARTICLE,
        authorId: AUTHOR,
        channelId: 1,
        title: 'Clean\ttitle',
        status: 2,
        createdAt: '2026-01-02 03:04:06',
        content: '<p>clean</p>',
      },
    ]);
    for (const [id, content] of [
      [DIRTY_COMMENT, 'nice\u001b[31m\u0085post'],
      [CLEAN_COMMENT, 'fine\nline'],
    ])
      await stack.sql(
        `INSERT INTO news_comment (comment_id, user_id, article_id, content, status, create_time, update_time)
         VALUES (?, ?, ?, ?, 1, '2026-01-03 00:00:00', '2026-01-03 00:00:00')`,
        [id, CLEAN_USER, DIRTY_ARTICLE, content],
      );
    await stack.sql(
      "INSERT INTO news_search_keyword (keyword, search_count) VALUES ('dirty\u0001kw', 3), ('tab\tkw', 2), ('plain', 1)",
    );
    // As the counter repair counts them: a list is read only for an article that has comments.
    await stack.state.zadd(CounterKeys.articleComments, 2, DIRTY_ARTICLE);
    await stack.sql(
      `INSERT INTO news_report (user_id, article_id, type, remark) VALUES (?, ?, 0, 'spam\u0000!'), (?, ?, 0, 'spam')`,
      [DIRTY_USER, DIRTY_ARTICLE, CLEAN_USER, DIRTY_ARTICLE],
    );
    const reports = (await stack.sql(
      'SELECT report_id, user_id FROM news_report ORDER BY report_id',
    )) as Array<{ report_id: string; user_id: string }>;
    dirtyReport = String(reports.find((row) => String(row.user_id) === DIRTY_USER)?.report_id);
    cleanReport = String(reports.find((row) => String(row.user_id) === CLEAN_USER)?.report_id);
    mp = await stack.startMediaPlatform();
    auth = {
      authorization: `Bearer ${await stack.signIn(AUTHOR, { verified: true, scope: 'mp' })}`,
    };
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('cleans the stored titles, HTML, comments, remarks and profile texts, drops their cached copies, and writes no clean row', async () => {
    // The publish admin sends the loaded article back whole: its stored title is refused.
    expect(await saveAsLoaded(DIRTY_ARTICLE)).toBe(400);
    // Read once, so the cache Redis holds the copies as they were stored.
    await appGet(`/articles/${DIRTY_ARTICLE}`);
    await appGet(`/comments?type=a&source=${DIRTY_ARTICLE}`);
    await appGet(`/users/${DIRTY_USER}`);
    const copies = [
      `art:${DIRTY_ARTICLE}:detail`,
      `comm:${DIRTY_COMMENT}`,
      `comm:${CLEAN_COMMENT}`,
      `user:${DIRTY_USER}:profile`,
    ];
    expect(await cachedOf(copies)).toEqual(copies);
    const before = await snapshot();

    const news = await runAgain(NEWS_SCHEMA, NEWS_MIGRATION);
    const user = await runAgain(USER_SCHEMA, USER_MIGRATION);

    expect(news).toEqual({
      applied: [NEWS_MIGRATION],
      updated: [
        `news_article_basic ${DIRTY_ARTICLE}`,
        `news_article_content ${DIRTY_ARTICLE}`,
        `news_comment ${DIRTY_COMMENT}`,
        `news_report ${dirtyReport}`,
      ],
    });
    // The name that would become a taken one is left; the other texts of its row are cleaned.
    expect(user).toEqual({
      applied: [USER_MIGRATION],
      updated: [
        `user_basic ${DIRTY_USER}`,
        `user_basic ${DIRTY_USER}`,
        `user_basic ${TAKEN_NAME_USER}`,
        `user_profile ${DIRTY_USER}`,
      ],
    });
    const after = await snapshot();
    const changed = (rows: unknown[], index: number, values: Record<string, string>) => ({
      ...(rows[index] as object),
      ...values,
    });
    // What the edges take now; update_time is left as it was: no author or user changed a thing.
    expect(after).toEqual({
      articles: [changed(before.articles, 0, { title: 'Title with break' }), before.articles[1]],
      contents: [changed(before.contents, 0, { content: '<p>abc d</p>' }), before.contents[1]],
      comments: [changed(before.comments, 0, { content: 'nice[31m post' }), before.comments[1]],
      reports: [changed(before.reports, 0, { remark: 'spam!' }), before.reports[1]],
      // The keyword the search refuses now is no suggestion; tab it takes.
      keywords: before.keywords.filter(
        (row) => (row as { keyword: string }).keyword !== 'dirty\u0001kw',
      ),
      users: [
        before.users[0],
        changed(before.users, 1, { user_name: 'abcd', introduction: 'hi there next' }),
        changed(before.users, 2, { introduction: 'tab ted' }),
        before.users[3],
      ],
      profiles: [changed(before.profiles, 0, { real_name: 'Zhang' }), before.profiles[1]],
    });
    expect(String(cleanReport)).not.toBe(dirtyReport);

    // The cached copies of what changed are gone, those of clean rows kept.
    expect(
      await cached(
        `art:${DIRTY_ARTICLE}:detail`,
        `comm:${DIRTY_COMMENT}`,
        `user:${DIRTY_USER}:profile`,
      ),
    ).toBe(0);
    expect(await cached(`comm:${CLEAN_COMMENT}`)).toBe(1);
    const detail = (await appGet(`/articles/${DIRTY_ARTICLE}`)).json<{
      data: { title: string; content: string };
    }>().data;
    expect(detail).toEqual(
      expect.objectContaining({ title: 'Title with break', content: '<p>abc d</p>' }),
    );
    expect(
      (await appGet(`/users/${DIRTY_USER}`)).json<{ data: { name: string } }>().data.name,
    ).toBe('abcd');

    // A second run finds nothing to write.
    expect(await runAgain(NEWS_SCHEMA, NEWS_MIGRATION)).toEqual({
      applied: [NEWS_MIGRATION],
      updated: [],
    });
    expect(await runAgain(USER_SCHEMA, USER_MIGRATION)).toEqual({
      applied: [USER_MIGRATION],
      updated: [],
    });
    expect(await snapshot()).toEqual(after);

    // The publish admin saves the article as it loads it now.
    expect(await saveAsLoaded(DIRTY_ARTICLE)).toBe(201);
    expect(
      await stack.sql('SELECT title FROM news_article_basic WHERE article_id = ?', [DIRTY_ARTICLE]),
    ).toEqual([{ title: 'Title with break' }]);
  });
});
