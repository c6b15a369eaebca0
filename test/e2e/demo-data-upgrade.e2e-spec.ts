import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CacheKeys, CounterKeys, NULL_MARKER } from '@app/cache';
import { loadConfig } from '@app/config';
import { freePort, testEnv } from '@app/testing';
import type { INestApplicationContext } from '@nestjs/common';

import { newsEnvSchema } from '../../apps/news/src/config/news.config';
import { seedDemoNews } from '../../apps/news/src/seed';
import { ArticleIndexer } from '../../apps/news/src/search/article-indexer';
import { userEnvSchema } from '../../apps/user/src/config/user.config';
import { seedDemoUsers } from '../../apps/user/src/seed';
import { workerEnvSchema } from '../../apps/worker/src/config/worker.config';
import { type RunningWorker, startWorker } from '../../apps/worker/src/main';
import {
  type ArticleStack,
  startArticleStack,
  startRecommendOnStack,
} from './support/article-stack';
import { pinsAndStoredFiles } from './support/demo-snapshot';

const AUTHOR = '1294287382374383616';
const XIAOMING = '1294287382374383617';
const XIAOHONG = '1294287382374383618';

/**
 * The demo data `npm run dev` loaded before the current one (its seeds as they were): three
 * articles a channel without covers, ids 1300000000000000001…075, and two comments and a reply
 * by 小明 on each of the first ten, ids 1310000000000000001…030; three accounts.
 */
const OLD_CHANNELS = [
  'html', '开发者资讯', 'ios', 'c++', 'android', 'css', '数据库', '区块链', 'go', '产品',
  '后端', 'linux', '人工智能', 'php', 'javascript', '架构', '前端', 'python', 'java', '算法',
  '面试', '科技动态', 'js', '设计', '数码产品',
]; // prettier-ignore
const OLD_TOPICS = ['入门指南', '最佳实践', '性能优化', '源码解读', '常见误区', '实战案例'];

interface OldArticle {
  id: string;
  channelId: number;
  title: string;
  content: string;
  createdAt: Date;
}

function oldArticles(): OldArticle[] {
  const articles: OldArticle[] = [];
  let n = 0;
  OLD_CHANNELS.forEach((name, index) => {
    const channelId = index + 1;
    for (let k = 0; k < 3; k += 1) {
      n += 1;
      const topic = OLD_TOPICS[(channelId + k) % OLD_TOPICS.length];
      articles.push({
        id: (1300000000000000000n + BigInt(n)).toString(),
        channelId,
        title: `${name} ${topic}（第${k + 1}篇）`,
        content: `<p>这是关于 ${name} 的${topic}。</p><p>Toutiao demo article ${n} about ${name}.</p>`,
        createdAt: new Date(Date.UTC(2026, 0, 1) + n * 3_600_000),
      });
    }
  });
  return articles;
}

function oldComments(
  articles: readonly OldArticle[],
): Array<{ id: string; articleId: string; parentId: string | null; content: string }> {
  const comments = [];
  let n = 0;
  for (const article of articles.slice(0, 10)) {
    const first = (1310000000000000000n + BigInt((n += 1))).toString();
    comments.push({
      id: first,
      articleId: article.id,
      parentId: null,
      content: '写得很好，学习了！',
    });
    comments.push({
      id: (1310000000000000000n + BigInt((n += 1))).toString(),
      articleId: article.id,
      parentId: null,
      content: 'Great article, thanks.',
    });
    comments.push({
      id: (1310000000000000000n + BigInt((n += 1))).toString(),
      articleId: article.id,
      parentId: first,
      content: '同意楼上',
    });
  }
  return comments;
}

const OLD_ARTICLES = oldArticles();
const OLD_COMMENTS = oldComments(OLD_ARTICLES);
const OLD_ARTICLE_IDS = OLD_ARTICLES.map((article) => article.id);
const OLD_COMMENT_IDS = OLD_COMMENTS.map((comment) => comment.id);

/** What the earlier seeds wrote: their rows, search entries (as indexed then) and counters. */
async function loadOldDemoData(stack: ArticleStack): Promise<void> {
  const users = [
    [AUTHOR, '13911111111', '头条号', 1, '每天分享前端与后端技术', '认证作者'],
    [XIAOMING, '13611111111', '小明', 0, '爱看新闻', ''],
    [XIAOHONG, '13811111111', '小红', 0, '', ''],
  ] as const;
  for (const [id, mobile, name, isMedia, intro, certi] of users) {
    await stack.sql(
      `INSERT IGNORE INTO user_basic (user_id, mobile, user_name, status, is_media, is_verified, introduction, certificate)
       VALUES (?, ?, ?, 1, ?, ?, ?, ?)`,
      [id, mobile, name, isMedia, isMedia, intro, certi],
    );
    await stack.sql('INSERT IGNORE INTO user_profile (user_id, gender) VALUES (?, 0)', [id]);
  }
  for (const [index, name] of OLD_CHANNELS.entries())
    await stack.sql(
      'INSERT IGNORE INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (?, ?, ?, 1, ?)',
      [index + 1, name, index + 1, index < 8],
    );
  for (const article of OLD_ARTICLES) {
    await stack.sql(
      `INSERT IGNORE INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, create_time, update_time)
       VALUES (?, ?, ?, ?, ?, 2, ?, ?)`,
      [
        article.id,
        AUTHOR,
        article.channelId,
        article.title,
        JSON.stringify({ type: 0, images: [] }),
        article.createdAt,
        article.createdAt,
      ],
    );
    await stack.sql('INSERT IGNORE INTO news_article_content (article_id, content) VALUES (?, ?)', [
      article.id,
      article.content,
    ]);
    await stack.sql('INSERT IGNORE INTO news_article_statistic (article_id) VALUES (?)', [
      article.id,
    ]);
  }
  for (const comment of OLD_COMMENTS)
    await stack.sql(
      'INSERT IGNORE INTO news_comment (comment_id, user_id, article_id, parent_id, content, status) VALUES (?, ?, ?, ?, ?, 1)',
      [comment.id, XIAOMING, comment.articleId, comment.parentId, comment.content],
    );
  const indexer = stack.newsService!.get(ArticleIndexer);
  for (const id of OLD_ARTICLE_IDS) await indexer.indexArticle(id);
  const counters = stack.state.pipeline().zadd(CounterKeys.userArticles, 75, AUTHOR);
  for (const comment of OLD_COMMENTS) {
    counters.zincrby(CounterKeys.articleComments, 1, comment.articleId);
    if (comment.parentId) counters.zincrby(CounterKeys.commentReplies, 1, comment.parentId);
  }
  await counters.exec();
}

const sortedIds = (rows: unknown): string[] =>
  (rows as Array<{ id: string | number }>).map((row) => String(row.id)).sort();

/**
 * The news side of the demo data: every row of its tables (without auto-increment ids, and the
 * channels and announcements without the load times the earlier seed left to the database),
 * the search entries, counters, pins and stored files.
 */
async function newsData(stack: ArticleStack, uploads: string): Promise<Record<string, unknown>> {
  const found: Record<string, unknown> = {};
  for (const [table, order] of [
    ['news_article_basic', 'article_id'],
    ['news_article_content', 'article_id'],
    ['news_article_statistic', 'article_id'],
    ['news_comment', 'comment_id'],
  ])
    found[table] = await stack.sql(`SELECT * FROM ${table} ORDER BY ${order}`);
  found.news_article_search = await stack.sql(
    'SELECT article_id, tokens FROM news_article_search ORDER BY article_id',
  );
  found.news_channel = await stack.sql(
    'SELECT channel_id, channel_name, sequence, is_visible, is_default FROM news_channel ORDER BY channel_id',
  );
  found.global_announcement = await stack.sql(
    'SELECT announcement_id, title, content, status, publish_time FROM global_announcement ORDER BY announcement_id',
  );
  for (const [table, key] of [
    ['news_attitude', 'user_id, article_id, attitude'],
    ['news_collection', 'user_id, article_id, is_deleted'],
    ['news_comment_liking', 'user_id, comment_id, is_deleted'],
    ['user_relation', 'user_id, target_user_id, relation'],
  ])
    found[table] = await stack.sql(`SELECT ${key}, create_time FROM ${table} ORDER BY ${key}`);
  for (const key of Object.values(CounterKeys))
    found[key] = await stack.state.zrange(key, 0, -1, 'WITHSCORES');
  return { ...found, ...(await pinsAndStoredFiles(stack.state, uploads)) };
}

async function startStack(): Promise<{ stack: ArticleStack; uploads: string }> {
  const uploads = mkdtempSync(join(tmpdir(), 'tt-demo-upgrade-'));
  return { stack: await startArticleStack({ STORAGE_LOCAL_DIR: uploads }), uploads };
}

const loadDemoData = async (stack: ArticleStack): Promise<void> => {
  await seedDemoUsers(loadConfig(userEnvSchema, stack.env));
  await seedDemoNews(loadConfig(newsEnvSchema, stack.env));
};

describe('demo data: a database loaded by the earlier demo data ends as a fresh load', () => {
  let fresh: Record<string, unknown>;
  let stack: ArticleStack;
  let uploads: string;
  let recommend: INestApplicationContext | undefined;
  let worker: RunningWorker | undefined;

  /** Where old ids are still found: rows, search entries, counters (nowhere: {}). */
  const oldIdsLeft = async (): Promise<Record<string, string[]>> => {
    const found: Record<string, string[]> = {};
    const look = (where: string, ids: string[]) => {
      if (ids.length > 0) found[where] = ids;
    };
    const left = async (table: string, column: string, ids: readonly string[]) =>
      look(
        `${table}.${column}`,
        sortedIds(
          await stack.sql(`SELECT ${column} AS id FROM ${table} WHERE ${column} IN (?)`, [ids]),
        ),
      );
    for (const table of [
      'news_article_basic',
      'news_article_content',
      'news_article_statistic',
      'news_article_search',
    ])
      await left(table, 'article_id', OLD_ARTICLE_IDS);
    await left('news_comment', 'comment_id', OLD_COMMENT_IDS);
    const old = new Set([...OLD_ARTICLE_IDS, ...OLD_COMMENT_IDS]);
    for (const key of Object.values(CounterKeys))
      look(
        key,
        (await stack.state.zrange(key, 0, -1)).filter((id) => old.has(id)),
      );
    return found;
  };

  /** Article ids per recommend pool (channel 0: every channel), sorted. */
  const pools = async (): Promise<Record<number, string[]>> => {
    const found: Record<number, string[]> = {};
    for (const channel of [0, ...OLD_CHANNELS.map((_, index) => index + 1)])
      found[channel] = (await stack.state.zrange(`reco:ch:${channel}:candidates`, 0, -1)).sort();
    return found;
  };
  const approvedByChannel = async (): Promise<Record<number, string[]>> => {
    const rows = (await stack.sql(
      'SELECT article_id, channel_id FROM news_article_basic WHERE status = 2',
    )) as Array<{ article_id: string | number; channel_id: number }>;
    const found: Record<number, string[]> = { 0: rows.map((row) => String(row.article_id)) };
    for (const [index] of OLD_CHANNELS.entries())
      found[index + 1] = rows
        .filter((row) => row.channel_id === index + 1)
        .map((row) => String(row.article_id));
    for (const ids of Object.values(found)) ids.sort();
    return found;
  };
  /** The pools once the worker has run the jobs the load committed (or as they are after 60 s). */
  const poolsSettled = async (): Promise<Record<number, string[]>> => {
    const expected = await approvedByChannel();
    const deadline = Date.now() + 60_000;
    let now = await pools();
    while (JSON.stringify(now) !== JSON.stringify(expected) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      now = await pools();
    }
    return now;
  };

  beforeAll(async () => {
    const first = await startStack();
    try {
      await loadDemoData(first.stack);
      fresh = await newsData(first.stack, first.uploads);
    } finally {
      await first.stack.close();
      rmSync(first.uploads, { recursive: true, force: true });
    }

    ({ stack, uploads } = await startStack());
    await loadOldDemoData(stack);
    // A developer's reads of an old article, counted as the gateway counts them.
    await stack.state.zadd(CounterKeys.articleReads, 4, OLD_ARTICLE_IDS[0]);
    // The recommend service of those runs, its pools built from the old articles; no rebuild
    // follows (the interval's lock is still held when `npm run dev` starts again).
    recommend = await startRecommendOnStack(stack);
    worker = await startWorker(
      loadConfig(
        workerEnvSchema,
        testEnv(stack.database.settings, stack.redis, {
          WORKER_QUEUES: 'candidates',
          WORKER_PORT: await freePort(),
          RECOMMEND_GRPC_URL: stack.env.RECOMMEND_GRPC_URL ?? '',
        }),
      ),
    );
  }, 180_000);

  afterAll(async () => {
    await worker?.close();
    await recommend?.close();
    await stack?.close();
    if (uploads) rmSync(uploads, { recursive: true, force: true });
  });

  it('holds the old articles in every store before the load', async () => {
    expect(sortedIds(await stack.sql('SELECT article_id AS id FROM news_article_basic'))).toEqual(
      [...OLD_ARTICLE_IDS].sort(),
    );
    expect(sortedIds(await stack.sql('SELECT article_id AS id FROM news_article_search'))).toEqual(
      [...OLD_ARTICLE_IDS].sort(),
    );
    expect((await pools())[0]).toEqual([...OLD_ARTICLE_IDS].sort());
    // The pools' rebuild read the old articles' cards, which news keeps cached.
    expect(await stack.cache.exists(CacheKeys.articleInfo(OLD_ARTICLE_IDS[0]))).toBe(1);
  });

  it('removes the old articles, comments, search entries, counters and pool places, and equals a fresh load', async () => {
    await loadDemoData(stack);

    const perChannel = (await stack.sql(
      'SELECT channel_id, COUNT(*) AS n FROM news_article_basic GROUP BY channel_id ORDER BY channel_id',
    )) as Array<{ channel_id: number; n: string | number }>;
    expect(perChannel.map((row) => [row.channel_id, Number(row.n)])).toEqual(
      OLD_CHANNELS.map((_, index) => [index + 1, 12]),
    );
    expect(await oldIdsLeft()).toEqual({});
    expect(await stack.state.zscore(CounterKeys.userArticles, AUTHOR)).toBe('300');
    // Gone from the cache, or cached as missing by a read that came after the removal.
    expect([null, NULL_MARKER]).toContain(
      await stack.cache.get(CacheKeys.articleInfo(OLD_ARTICLE_IDS[0])),
    );

    expect(await newsData(stack, uploads)).toEqual(fresh);
    expect(await poolsSettled()).toEqual(await approvedByChannel());
  }, 120_000);

  it('changes nothing when loaded again, and leaves what users wrote about an old article', async () => {
    const loaded = await newsData(stack, uploads);
    await loadDemoData(stack);
    expect(await newsData(stack, uploads)).toEqual(loaded);

    // The old rows once more, beside what users added: 小红's comment on an old article and her
    // like of it, and an article of the author that the old seed did not write.
    await loadOldDemoData(stack);
    const own = { article: '1400000000000000001', comment: '1400000000000000002' };
    await stack.sql(
      `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, create_time, update_time)
       VALUES (?, ?, 1, '作者自己写的文章', '{"type":0,"images":[]}', 2, NOW(), NOW())`,
      [own.article, AUTHOR],
    );
    await stack.sql('INSERT INTO news_article_content (article_id, content) VALUES (?, ?)', [
      own.article,
      '<p>作者自己写的文章</p>',
    ]);
    await stack.sql(
      'INSERT INTO news_comment (comment_id, user_id, article_id, content, status) VALUES (?, ?, ?, ?, 1)',
      [own.comment, XIAOHONG, OLD_ARTICLE_IDS[1], '小红自己的评论'],
    );
    await stack.sql('INSERT INTO news_attitude (user_id, article_id, attitude) VALUES (?, ?, 1)', [
      XIAOHONG,
      OLD_ARTICLE_IDS[1],
    ]);
    await loadDemoData(stack);

    expect(
      sortedIds(
        await stack.sql('SELECT article_id AS id FROM news_article_basic WHERE article_id IN (?)', [
          [...OLD_ARTICLE_IDS, own.article],
        ]),
      ),
    ).toEqual([own.article]);
    expect(
      await stack.sql(
        'SELECT comment_id, user_id, article_id FROM news_comment WHERE article_id IN (?)',
        [OLD_ARTICLE_IDS],
      ),
    ).toEqual([{ comment_id: own.comment, user_id: XIAOHONG, article_id: OLD_ARTICLE_IDS[1] }]);
    expect(
      await stack.sql('SELECT user_id, attitude FROM news_attitude WHERE article_id = ?', [
        OLD_ARTICLE_IDS[1],
      ]),
    ).toEqual([{ user_id: XIAOHONG, attitude: 1 }]);
    // Only the counts of what 小红 wrote, which the rows still say.
    expect(await oldIdsLeft()).toEqual({
      [CounterKeys.articleComments]: [OLD_ARTICLE_IDS[1]],
      [CounterKeys.articleLikes]: [OLD_ARTICLE_IDS[1]],
    });
    expect(await stack.state.zscore(CounterKeys.userArticles, AUTHOR)).toBe('301');
  }, 120_000);
});
