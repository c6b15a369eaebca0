import { mysqlDataSourceOptions } from '@app/database';
import { GRPC_LOADER_OPTIONS, protoFile } from '@app/grpc';
import {
  credentials,
  type GrpcObject,
  loadPackageDefinition,
  type ServiceClientConstructor,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { DataSource } from 'typeorm';

import { NEWS_SCHEMA } from '../../apps/news/src/database/news-schema';

import { type ArticleStack, startArticleStack } from './support/article-stack';

const MIGRATION = 'FlattenNewsCommentThreads1764440000000';
const READER = '1294287382374383617';
const ART = '1300000000000000001';
/** 2024-01-01T00:00:00Z, in seconds. */
const BASE = 1704067200;

const id = (index: number): string => String(1330000000000000000n + BigInt(index));
const TOP = id(1);
const REPLY = id(2);
const DEPTH_2 = id(3);
const DEPTH_3 = id(4);
const REJECTED_DEPTH_2 = id(5);
const TOP_OF_DELETED = id(10);
const DELETED_REPLY = id(11);
const UNDER_DELETED = id(12);
const UNDER_MISSING = id(20);
const UNDER_UNDER_MISSING = id(21);
const CYCLE_A = id(30);
const CYCLE_B = id(31);
const MISSING = id(99);

/** As the code before one-level threads stored them: each reply under its target, counted there. */
const SEEDED: Array<[id: string, parentId: string | null, status: number, replyCount: number]> = [
  [TOP, null, 1, 1],
  [REPLY, TOP, 1, 2],
  [DEPTH_2, REPLY, 1, 1],
  [DEPTH_3, DEPTH_2, 1, 0],
  [REJECTED_DEPTH_2, REPLY, 2, 0],
  [TOP_OF_DELETED, null, 1, 0],
  [DELETED_REPLY, TOP_OF_DELETED, 3, 1],
  [UNDER_DELETED, DELETED_REPLY, 1, 0],
  [UNDER_MISSING, MISSING, 1, 1],
  [UNDER_UNDER_MISSING, UNDER_MISSING, 1, 0],
  [CYCLE_A, CYCLE_B, 1, 1],
  [CYCLE_B, CYCLE_A, 1, 1],
];

/** RepairCounters of the news service, as the worker's repair job calls it. */
async function repairCounters(port: number): Promise<void> {
  const definition = loadPackageDefinition(
    loadSync(protoFile('toutiao/counters/v1/counter_repair_service.proto'), GRPC_LOADER_OPTIONS),
  );
  const v1 = ((definition.toutiao as GrpcObject).counters as GrpcObject).v1 as GrpcObject;
  const Client = v1.CounterRepairService as ServiceClientConstructor;
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  const call = client.RepairCounters as (
    request: object,
    done: (error: Error | null) => void,
  ) => void;
  try {
    await new Promise<void>((resolve, reject) =>
      call.call(client, {}, (error) => (error ? reject(error) : resolve())),
    );
  } finally {
    client.close();
  }
}

describe('news migration FlattenNewsCommentThreads: replies to replies stored before threads were one level deep', () => {
  let stack: ArticleStack;

  const runNewsMigrationAgain = async (): Promise<string[]> => {
    const dataSource = await new DataSource(
      mysqlDataSourceOptions(stack.database.settings, NEWS_SCHEMA),
    ).initialize();
    try {
      await dataSource.query('DELETE FROM migrations_news WHERE name = ?', [MIGRATION]);
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await dataSource.destroy();
    }
  };
  const rows = () =>
    stack.sql(
      'SELECT comment_id, parent_id, reply_count, update_time FROM news_comment ORDER BY comment_id',
    ) as Promise<
      Array<{
        comment_id: string;
        parent_id: string | null;
        reply_count: number;
        update_time: Date;
      }>
    >;
  const thread = async (source: string) => {
    const response = await stack.gateway.inject({
      method: 'GET',
      url: `/app/v1_0/comments?type=c&source=${source}`,
    });
    expect(response.statusCode).toBe(200);
    const { data } = response.json<{
      data: { total_count: number; results: Array<{ com_id: string; reply_count: number }> };
    }>();
    return { total: data.total_count, ids: data.results.map((item) => item.com_id) };
  };

  beforeAll(async () => {
    stack = await startArticleStack();
    await stack.sql(
      "INSERT INTO user_basic (user_id, mobile, user_name, status) VALUES (?, '13900000002', 'reader', 1)",
      [READER],
    );
    await stack.sql(
      `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, allow_comment)
       VALUES (?, ?, 1, 'threads', '{"type":0,"images":[]}', 2, 1)`,
      [ART, READER],
    );
    for (const [index, [comment, parent, status, replies]] of SEEDED.entries()) {
      await stack.sql(
        `INSERT INTO news_comment (comment_id, user_id, article_id, parent_id, content, status, reply_count, create_time, update_time)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          comment,
          READER,
          ART,
          parent,
          `comment ${comment}`,
          status,
          replies,
          new Date((BASE + index * 60) * 1000),
          new Date(BASE * 1000),
        ],
      );
    }
    await repairCounters(Number(stack.env.NEWS_GRPC_PORT));
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('moves every reply into the thread of its top-level comment, recounts the threads, and lists them', async () => {
    expect(await thread(TOP)).toEqual({ total: 1, ids: [REPLY] });

    expect(await runNewsMigrationAgain()).toEqual([MIGRATION]);

    const after = await rows();
    expect(
      after.map(({ comment_id, parent_id, reply_count }) => [comment_id, parent_id, reply_count]),
    ).toEqual([
      [TOP, null, 3],
      [REPLY, TOP, 0],
      [DEPTH_2, TOP, 0],
      [DEPTH_3, TOP, 0],
      // Moved with its thread; counted nowhere, as it is not approved.
      [REJECTED_DEPTH_2, TOP, 0],
      [TOP_OF_DELETED, null, 1],
      [DELETED_REPLY, TOP_OF_DELETED, 0],
      [UNDER_DELETED, TOP_OF_DELETED, 0],
      // No thread to join: left as they were.
      [UNDER_MISSING, MISSING, 1],
      [UNDER_UNDER_MISSING, UNDER_MISSING, 0],
      [CYCLE_A, CYCLE_B, 1],
      [CYCLE_B, CYCLE_A, 1],
    ]);
    // Nothing was edited: the rows keep their update time.
    expect(new Set(after.map((row) => row.update_time.getTime()))).toEqual(new Set([BASE * 1000]));

    // The cached thread and its counter are rebuilt (cache expiry, counter repair).
    await repairCounters(Number(stack.env.NEWS_GRPC_PORT));
    await stack.cache.del(
      `comm:${TOP}:reply`,
      `comm:${TOP_OF_DELETED}:reply`,
      `comm:${REPLY}:reply`,
    );
    expect(await thread(TOP)).toEqual({ total: 3, ids: [DEPTH_3, DEPTH_2, REPLY] });
    expect(await thread(TOP_OF_DELETED)).toEqual({ total: 1, ids: [UNDER_DELETED] });
    expect(await thread(REPLY)).toEqual({ total: 0, ids: [] });
    expect(Number(await stack.state.zscore('count:art:reply', TOP))).toBe(3);
    expect(await stack.state.zscore('count:art:reply', REPLY)).toBeNull();

    // A second run changes nothing.
    expect(await runNewsMigrationAgain()).toEqual([MIGRATION]);
    expect(await rows()).toEqual(after);
  });
});
