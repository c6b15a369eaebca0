import { loadConfig } from '@app/config';
import { mysqlDataSourceOptions } from '@app/database';
import { JobName, JobProducer, jobId, QueueModule, QueueName } from '@app/queue';
import { freePort } from '@app/testing';
import { getQueueToken } from '@nestjs/bullmq';
import { Test, type TestingModule } from '@nestjs/testing';
import type { JobState, Queue } from 'bullmq';
import { DataSource } from 'typeorm';

import { NEWS_SCHEMA } from '../../apps/news/src/database/news-schema';

import { workerEnvSchema } from '../../apps/worker/src/config/worker.config';
import { type RunningWorker, startWorker } from '../../apps/worker/src/main';
import {
  type ArticleStack,
  type SeedArticle,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';

const AUTHOR = '1294287382374383616';
const READER = '1294287382374383617';
const OTHER = '1294287382374383618';

const TITLE_WORD = '1500000000000000001';
const CONTENT_WORD = '1500000000000000002';
const ENGLISH_TITLE = '1500000000000000003';
const ENGLISH_CONTENT = '1500000000000000004';
const PENDING = '1500000000000000005';
const REJECTED_LATER = '1500000000000000006';
const DELETED = '1500000000000000007';
const LATE = '1500000000000000008';
const RUST = '1500000000000000009';
const CAT = '1500000000000000010';
const QUANTITY = '1500000000000000011';
const C_LANGUAGE = '1500000000000000012';
const R_LANGUAGE = '1500000000000000013';
const GO_LANGUAGE = '1500000000000000014';
const UPGRADED = '1500000000000000015';
const MIXED_WORD = '1500000000000000016';
const SPACED_WORD = '1500000000000000017';
const PAGED = Array.from({ length: 11 }, (_, i) => (1500000000000000100n + BigInt(i)).toString());

const article = (
  id: string,
  title: string,
  content: string,
  status = 2,
  createdAt = '2026-01-02 03:04:05',
): SeedArticle => ({
  id,
  authorId: AUTHOR,
  channelId: 1,
  title,
  status,
  createdAt,
  content,
});

const FIXTURES: SeedArticle[] = [
  article(TITLE_WORD, '经济发展报告', '<p>年度数据</p>'),
  article(CONTENT_WORD, '周末随笔', '<p>关于<b>供应链</b>的一些思考</p>'),
  article(ENGLISH_TITLE, 'Kubernetes in practice', '<p>容器编排</p>'),
  article(ENGLISH_CONTENT, '并发编程', '<p>Goroutines and channels explained</p>'),
  article(PENDING, '发展中的草稿', '<p>供应链 Kubernetes goroutines</p>', 1),
  article(REJECTED_LATER, '发展被驳回', '<p>供应链</p>'),
  article(DELETED, '发展已删除', '<p>供应链</p>', 4),
  article(RUST, 'Rust 所有权指南', '<p>borrow checker</p>'),
  article(CAT, '我家的猫', '<p>每天睡十几个小时</p>'),
  article(QUANTITY, '积累的力量', '<p>量的积累终会带来质的飞跃</p>'),
  article(C_LANGUAGE, 'C 语言指针详解', '<p>内存布局</p>', 2, '2026-01-01 00:00:00'),
  article(R_LANGUAGE, 'R 语言统计入门', '<p>向量与数据框</p>', 2, '2026-01-01 00:00:01'),
  article(GO_LANGUAGE, 'Go 语言并发模型', '<p>通道与调度</p>', 2, '2026-01-01 00:00:02'),
  article(UPGRADED, '小狗的窝', '<p>狗很开心</p>'),
  article(MIXED_WORD, 'Vue3 组合式 API', '<p>适配 iPhone12 的布局</p>'),
  article(SPACED_WORD, 'Mate 60 Pro 上手体验', '<p>卫星通话</p>'),
  ...PAGED.map((id, i) =>
    article(
      id,
      `分页专题 第${i + 1}篇`,
      '<p>正文</p>',
      2,
      `2026-01-03 00:00:${String(i).padStart(2, '0')}`,
    ),
  ),
];

interface Card {
  art_id: string;
  title: string;
  aut_id: string;
  aut_name: string;
  pubdate: string;
  ch_id: number;
  cover: { type: number; images: string[] };
  is_top: number;
  comm_count: number;
  like_count: number;
  collect_count: number;
}

interface CardPage {
  total_count: number;
  page: number;
  per_page: number;
  results: Card[];
}

describe('search, suggestions and search history through the gateway', () => {
  let stack: ArticleStack;
  let worker: RunningWorker;
  let producerContext: TestingModule;
  let producer: JobProducer;
  let queue: Queue;
  const tokens = new Map<string, string>();

  const get = (url: string, as?: string, token = as && tokens.get(as)) =>
    stack.gateway.inject({
      method: 'GET',
      url: `/app/v1_0${url}`,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  const remove = (url: string, as?: string) =>
    stack.gateway.inject({
      method: 'DELETE',
      url: `/app/v1_0${url}`,
      headers: as ? { authorization: `Bearer ${tokens.get(as)}` } : {},
    });
  const search = async (q: string, as?: string, query = '') => {
    const response = await get(`/search?q=${encodeURIComponent(q)}${query}`, as);
    expect(response.statusCode).toBe(200);
    return response.json<{ message: string; data: CardPage }>().data;
  };
  const foundIds = async (q: string) => (await search(q)).results.map((card) => card.art_id);
  /** Runs one news migration again, as on a database it has not reached; the names of those applied. */
  const runNewsMigrationAgain = async (name: string): Promise<string[]> => {
    const dataSource = await new DataSource(
      mysqlDataSourceOptions(stack.database.settings, NEWS_SCHEMA),
    ).initialize();
    try {
      await dataSource.query('DELETE FROM migrations_news WHERE name = ?', [name]);
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await dataSource.destroy();
    }
  };
  const suggest = async (q: string) => {
    const response = await get(`/suggestion?q=${encodeURIComponent(q)}`);
    expect(response.statusCode).toBe(200);
    return response.json<{ data: { options: string[] } }>().data.options;
  };
  const histories = async (as: string) => {
    const response = await get('/search/histories', as);
    expect(response.statusCode).toBe(200);
    return response.json<{ data: { keywords: string[] } }>().data.keywords;
  };

  async function waitForState(id: string, timeoutMs = 15_000): Promise<JobState | 'unknown'> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await queue.getJobState(id);
      if (state === 'completed' || state === 'failed' || Date.now() > deadline) return state;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async function indexThroughQueue(
    articleId: string,
    reason: 'approve' | 'edit' | 'delete',
  ): Promise<unknown> {
    const id = await producer.enqueue(
      JobName.IndexArticle,
      { articleId, reason },
      { jobId: jobId(JobName.IndexArticle, articleId, reason, Date.now()) },
    );
    expect(await waitForState(id)).toBe('completed');
    return (await queue.getJob(id))?.returnvalue;
  }

  beforeAll(async () => {
    stack = await startArticleStack();
    await seedUsers(stack, [
      { id: AUTHOR, name: 'author' },
      { id: READER, name: 'reader' },
      { id: OTHER, name: 'other' },
    ]);
    await seedArticles(stack, FIXTURES);
    worker = await startWorker(
      loadConfig(workerEnvSchema, {
        ...stack.env,
        WORKER_QUEUES: QueueName.SearchIndex,
        WORKER_PORT: String(await freePort()),
        HTTP_HOST: '127.0.0.1',
      }),
    );
    producerContext = await Test.createTestingModule({
      imports: [
        QueueModule.forRoot({ queueUrl: stack.redis.queueUrl, keyPrefix: stack.redis.prefix }),
        QueueModule.registerQueues(QueueName.SearchIndex),
      ],
    }).compile();
    await producerContext.init();
    producer = producerContext.get(JobProducer);
    queue = producerContext.get<Queue>(getQueueToken(QueueName.SearchIndex));
    // Every fixture goes through the real job: worker -> news IndexArticle over gRPC.
    for (const fixture of FIXTURES) await indexThroughQueue(fixture.id, 'approve');
    // Approved when indexed, rejected afterwards without re-indexing: its entry is stale on purpose.
    await stack.sql('UPDATE news_article_basic SET status = 3 WHERE article_id = ?', [
      REJECTED_LATER,
    ]);
    for (const user of [READER, OTHER]) tokens.set(user, await stack.signIn(user));
  }, 60_000);

  afterAll(async () => {
    await producerContext?.close();
    await worker?.close();
    await stack?.close();
  });

  describe('GET /search', () => {
    it('finds a two-character Chinese word of a title and answers a Page of ArticleCards', async () => {
      const page = await search('发展');
      expect(page).toEqual({
        total_count: 1,
        page: 1,
        per_page: 10,
        results: [
          {
            art_id: TITLE_WORD,
            title: '经济发展报告',
            aut_id: AUTHOR,
            aut_name: 'author',
            pubdate: '2026-01-02T11:04:05',
            ch_id: 1,
            cover: { type: 0, images: [] },
            is_top: 0,
            comm_count: 0,
            like_count: 0,
            collect_count: 0,
          },
        ],
      });
    });

    it('finds a Chinese word that only occurs in the content (tags stripped)', async () => {
      expect(await foundIds('供应链')).toEqual([CONTENT_WORD]);
    });

    it('finds English words in a title and in the content, whatever their case', async () => {
      expect(await foundIds('kubernetes')).toEqual([ENGLISH_TITLE]);
      expect(await foundIds('GOROUTINES')).toEqual([ENGLISH_CONTENT]);
      expect(await foundIds('Goroutines channels')).toEqual([ENGLISH_CONTENT]);
    });

    it('never returns an article that is not approved (pending, rejected after indexing, deleted)', async () => {
      const unapproved = [PENDING, REJECTED_LATER, DELETED];
      for (const q of ['发展', '供应链', '驳回', '删除', '草稿', 'kubernetes', 'goroutines']) {
        const ids = await foundIds(q);
        expect(ids.filter((id) => unapproved.includes(id))).toEqual([]);
      }
      expect(await foundIds('驳回')).toEqual([]);
    });

    it('pages the hits with the total on every page, newest first among equals', async () => {
      const first = await search('分页专题');
      expect(first.total_count).toBe(11);
      expect(first.results.map((card) => card.art_id)).toEqual([...PAGED].reverse().slice(0, 10));
      const second = await search('分页专题', undefined, '&page=2&per_page=10');
      expect(second).toMatchObject({ total_count: 11, page: 2, per_page: 10 });
      expect(second.results.map((card) => card.art_id)).toEqual([PAGED[0]]);
      const wide = await search('分页专题', undefined, '&per_page=50');
      expect(wide.results).toHaveLength(11);
    });

    it('finds a one-character Chinese word, which then completes as a suggestion', async () => {
      expect(await foundIds('猫')).toEqual([CAT]);
      expect(await foundIds('量')).toEqual([QUANTITY]);
      expect(await suggest('猫')).toEqual(['猫']);
    });

    it('finds a one-letter language name, whatever its case', async () => {
      expect(await foundIds('C')).toEqual([C_LANGUAGE]);
      expect(await foundIds('r')).toEqual([R_LANGUAGE]);
    });

    it('finds a word of letters and digits by its letters, its digits or the whole word', async () => {
      for (const q of ['vue', 'Vue3', 'iphone', 'iPhone12', '12', 'vue 3'])
        expect({ q, ids: await foundIds(q) }).toEqual({ q, ids: [MIXED_WORD] });
    });

    it('finds a word of letters and digits written apart in the article (Mate 60) by the word written together', async () => {
      for (const q of ['mate60', 'Mate60Pro', 'mate 60', 'MATE60 上手'])
        expect({ q, ids: await foundIds(q) }).toEqual({ q, ids: [SPACED_WORD] });
      expect(await foundIds('vue3')).toEqual([MIXED_WORD]);
    });

    it('ranks a multi-character query as before, a one-letter word beside it only moving its articles up', async () => {
      expect(await foundIds('语言')).toEqual([GO_LANGUAGE, R_LANGUAGE, C_LANGUAGE]);
      expect(await foundIds('R 语言')).toEqual([R_LANGUAGE, GO_LANGUAGE, C_LANGUAGE]);
      expect(await foundIds('c语言')).toEqual([C_LANGUAGE, GO_LANGUAGE, R_LANGUAGE]);
    });

    it('answers a query with nothing searchable (stopwords, punctuation) with an empty page', async () => {
      expect(await search('的 + -')).toEqual({
        total_count: 0,
        page: 1,
        per_page: 10,
        results: [],
      });
    });

    it('answers a query of spaces only or of punctuation only with an empty page', async () => {
      for (const q of ['   ', '+-*~', '。，！', '_']) {
        expect(await search(q)).toEqual({
          total_count: 0,
          page: 1,
          per_page: 10,
          results: [],
        });
      }
    });

    it.each([
      ['no q', ''],
      ['an empty q', '?q='],
      ['a q over 50 characters', `?q=${encodeURIComponent('发'.repeat(51))}`],
      ['per_page under 10', '?q=go&per_page=9'],
      ['per_page over 50', '?q=go&per_page=51'],
      ['page 0', '?q=go&page=0'],
      ['a page that is not a number', '?q=go&page=x'],
      // Pages travel as int32: one beyond it wrapped to a negative page, or to a page echoed as given.
      ['a page beyond int32', '?q=go&page=2147483648'],
      ['a page of 21 digits', `?q=go&page=${'9'.repeat(21)}`],
    ])('answers 400 for %s', async (_case, query) => {
      const response = await get(`/search${query}`);
      expect(response.statusCode).toBe(400);
      expect(typeof response.json<{ message: unknown }>().message).toBe('object');
    });

    it('answers the last page an int32 can carry with an empty page', async () => {
      expect(await search('分页专题', undefined, '&page=2147483647')).toEqual({
        total_count: 11,
        page: 2147483647,
        per_page: 10,
        results: [],
      });
    });

    it('accepts exactly 50 characters', async () => {
      expect((await get(`/search?q=${encodeURIComponent('发'.repeat(50))}`)).statusCode).toBe(200);
    });

    it('answers 401 for a bad token (anonymous is fine)', async () => {
      const response = await get('/search?q=go', undefined, 'not-a-jwt');
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ message: 'Token has some errors.' });
    });
  });

  describe('index-article jobs (worker -> news over gRPC)', () => {
    it('makes a newly approved article searchable, and removes it once deleted', async () => {
      await seedArticles(stack, [article(LATE, '量子计算入门', '<p>Qubits explained</p>')]);
      expect(await foundIds('量子计算')).toEqual([]);

      expect(await indexThroughQueue(LATE, 'approve')).toEqual({ indexed: true });
      expect(await foundIds('量子计算')).toEqual([LATE]);
      expect(await foundIds('qubits')).toEqual([LATE]);

      await stack.sql("UPDATE news_article_basic SET title = '量子通信入门' WHERE article_id = ?", [
        LATE,
      ]);
      expect(await indexThroughQueue(LATE, 'edit')).toEqual({ indexed: true });
      expect(await foundIds('量子通信')).toEqual([LATE]);
      expect(await foundIds('量子计算')).toEqual([]);

      await stack.sql('UPDATE news_article_basic SET status = 4 WHERE article_id = ?', [LATE]);
      expect(await indexThroughQueue(LATE, 'delete')).toEqual({ indexed: false });
      expect(await foundIds('量子通信')).toEqual([]);
      expect(
        await stack.sql('SELECT article_id FROM news_article_search WHERE article_id = ?', [LATE]),
      ).toEqual([]);
    });
  });

  describe('upgrading a database whose entries lack single-character words', () => {
    const MIGRATION = 'ReindexNewsSearchShortWords1764410000000';

    it('finds their articles by a single character once the news migrations have run', async () => {
      // The entry as it was written before single characters were indexed: `狗` and `窝` missing.
      await stack.sql('UPDATE news_article_search SET tokens = ? WHERE article_id = ?', [
        'w小狗 w小狗 w开心',
        UPGRADED,
      ]);
      expect(await foundIds('狗')).toEqual([]);
      expect(await foundIds('小狗')).toEqual([UPGRADED]);

      expect(await runNewsMigrationAgain(MIGRATION)).toEqual([MIGRATION]);

      expect(await foundIds('狗')).toEqual([UPGRADED]);
      expect(await foundIds('窝')).toEqual([UPGRADED]);
      expect(await foundIds('小狗')).toEqual([UPGRADED]);
      expect(await foundIds('猫')).toEqual([CAT]);
      expect(await foundIds('语言')).toEqual([GO_LANGUAGE, R_LANGUAGE, C_LANGUAGE]);
      // Rejected after it was indexed: the migration re-reads the article and drops its entry.
      expect(
        await stack.sql('SELECT article_id FROM news_article_search WHERE article_id = ?', [
          REJECTED_LATER,
        ]),
      ).toEqual([]);
    });
  });

  describe('upgrading a database whose entries lack the letter and digit runs of words', () => {
    const MIGRATION = 'ReindexNewsSearchLetterDigitRuns1764430000000';

    it('finds their articles by the letters of a word once the news migrations have run', async () => {
      // The entry as it was written before the runs were indexed: `vue`, `3`, `iphone`, `12` missing.
      await stack.sql('UPDATE news_article_search SET tokens = ? WHERE article_id = ?', [
        'wvue3 w组合 w合式 w组合式 wapi wvue3 w组合 w合式 w组合式 wapi w适配 wiphone12 w布局',
        MIXED_WORD,
      ]);
      expect(await foundIds('vue')).toEqual([]);
      expect(await foundIds('vue3')).toEqual([MIXED_WORD]);

      expect(await runNewsMigrationAgain(MIGRATION)).toEqual([MIGRATION]);

      for (const q of ['vue', 'vue3', 'iphone', '12', '组合式'])
        expect({ q, ids: await foundIds(q) }).toEqual({ q, ids: [MIXED_WORD] });
    });
  });

  describe('GET /suggestion', () => {
    it('completes a keyword saved by a page-1 search that found articles, before titles', async () => {
      expect(await suggest('Rus')).toEqual(['Rust 所有权指南']);
      await search('Rust');
      expect(await suggest('rus')).toEqual(['Rust', 'Rust 所有权指南']);
    });

    it('completes the title of an approved article by its prefix, never an unapproved one', async () => {
      expect(await suggest('经济')).toEqual(['经济发展报告']);
      expect(await suggest('发展中')).toEqual([]);
      expect(await suggest('发展被')).toEqual([]);
    });

    it('saves no keyword for a search without hits or beyond page 1', async () => {
      await search('zzqqnothing');
      await search('Channels', undefined, '&page=2');
      expect(await suggest('zzqq')).toEqual([]);
      expect(await suggest('chann')).toEqual([]);
    });

    it('answers at most 10 unique options', async () => {
      const options = await suggest('分页');
      expect(options).toHaveLength(10);
      expect(new Set(options).size).toBe(10);
    });

    it.each([
      ['no q', ''],
      ['an empty q', '?q='],
      ['a q over 50 characters', `?q=${'a'.repeat(51)}`],
    ])('answers 400 for %s', async (_case, query) => {
      const response = await get(`/suggestion${query}`);
      expect(response.statusCode).toBe(400);
      expect(response.json<{ message: Record<string, string> }>().message).toHaveProperty('q');
    });
  });

  describe('GET and DELETE /search/histories', () => {
    it("keeps the caller's 4 newest page-1 keywords, newest first", async () => {
      for (const q of ['一号', '二号', '三号', '四号', '五号']) await search(q, READER);
      expect(await histories(READER)).toEqual(['五号', '四号', '三号', '二号']);

      await search('三号', READER);
      await search('六号', READER, '&page=2');
      expect(await histories(READER)).toEqual(['三号', '五号', '四号', '二号']);
      expect(
        await stack.redis
          .client('state')
          .zcard(`${stack.redis.prefix}user:${READER}:his:searching`),
      ).toBe(4);
    });

    it('shows each user only their own keywords, and anonymous searches record none', async () => {
      await search('别人的词', OTHER);
      await search('匿名的词');
      expect(await histories(OTHER)).toEqual(['别人的词']);
      expect(await histories(READER)).not.toContain('别人的词');
      expect(await histories(READER)).not.toContain('匿名的词');
    });

    it("clears only the caller's history and answers 204 without a body", async () => {
      const cleared = await remove('/search/histories', OTHER);
      expect(cleared.statusCode).toBe(204);
      expect(cleared.body).toBe('');
      expect(await histories(OTHER)).toEqual([]);
      expect(await histories(READER)).toHaveLength(4);
    });

    it('needs a signed-in user', async () => {
      for (const response of [await get('/search/histories'), await remove('/search/histories')]) {
        expect(response.statusCode).toBe(401);
        expect(response.json()).toEqual({ message: 'User must be authorized.' });
      }
      expect(await histories(READER)).toHaveLength(4);
    });
  });
});
