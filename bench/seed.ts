import { CounterKeys, StateKeys } from '@app/cache';
import type Redis from 'ioredis';
import { type Connection, createConnection } from 'mysql2/promise';

import {
  articleId,
  articleTime,
  channelOf,
  commentId,
  commentTime,
  databaseName,
  type DatasetSpec,
  isApproved,
  popularityOrder,
  userId,
} from './dataset';
import { seededRandom, zipfSampler } from './prng';

export interface MysqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
}

const BATCH = 2_000;
const WORDS =
  'news reader channel article comment cache redis mariadb grpc gateway latency throughput benchmark toutiao nest service'.split(
    ' ',
  );
const SEED_VERSION = 2;

export function connectMysql(target: MysqlTarget, database?: string): Promise<Connection> {
  return createConnection({
    ...target,
    database,
    supportBigNumbers: true,
    bigNumberStrings: true,
    timezone: 'Z',
    multipleStatements: false,
  });
}

function sentence(random: () => number, words: number): string {
  const parts: string[] = [];
  for (let i = 0; i < words; i++) parts.push(WORDS[Math.floor(random() * WORDS.length)]);
  return parts.join(' ');
}

async function insertRows(
  connection: Connection,
  table: string,
  columns: string[],
  rows: unknown[][],
): Promise<void> {
  for (let start = 0; start < rows.length; start += BATCH) {
    await connection.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ?`, [
      rows.slice(start, start + BATCH),
    ]);
  }
}

/** True when the bench database already holds this exact dataset (seeding 1M comments takes a while). */
export async function isSeeded(target: MysqlTarget, spec: DatasetSpec): Promise<boolean> {
  const connection = await connectMysql(target);
  try {
    const [rows] = await connection.query(
      'SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
      [databaseName(spec), '_bench_seed'],
    );
    if ((rows as unknown[]).length === 0) return false;
    const [marker] = await connection.query(
      `SELECT spec FROM \`${databaseName(spec)}\`._bench_seed LIMIT 1`,
    );
    const stored = (marker as Array<{ spec: string }>)[0]?.spec;
    return stored === JSON.stringify({ ...spec, version: SEED_VERSION });
  } finally {
    await connection.end();
  }
}

export async function dropDatabase(target: MysqlTarget, spec: DatasetSpec): Promise<void> {
  const connection = await connectMysql(target);
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${databaseName(spec)}\``);
  } finally {
    await connection.end();
  }
}

/** Bulk-loads users, channels, articles and Zipf-distributed comments into the migrated bench schema. */
export async function seedDatabase(
  target: MysqlTarget,
  spec: DatasetSpec,
  log: (line: string) => void,
): Promise<void> {
  const connection = await connectMysql(target, databaseName(spec));
  const random = seededRandom(spec.seed);
  try {
    await connection.query('SET unique_checks = 0, foreign_key_checks = 0');

    const users: unknown[][] = [];
    const profiles: unknown[][] = [];
    for (let i = 0; i < spec.users; i++) {
      users.push([
        userId(i),
        `13${String(i).padStart(9, '0')}`,
        `bench_user_${i}`,
        `bench/photo-${i % 50}.png`,
        i < spec.authors ? 1 : 0,
        sentence(random, 4),
      ]);
      profiles.push([userId(i), i % 2]);
    }
    await insertRows(
      connection,
      'user_basic',
      ['user_id', 'mobile', 'user_name', 'profile_photo', 'is_media', 'introduction'],
      users,
    );
    await insertRows(connection, 'user_profile', ['user_id', 'gender'], profiles);
    log(`users: ${spec.users}`);

    const channels: unknown[][] = [];
    for (let c = 1; c <= spec.channels; c++)
      channels.push([c, `bench-ch-${c}`, c, 1, c <= 5 ? 1 : 0]);
    await insertRows(
      connection,
      'news_channel',
      ['channel_id', 'channel_name', 'sequence', 'is_visible', 'is_default'],
      channels,
    );

    for (let start = 0; start < spec.articles; start += BATCH) {
      const basic: unknown[][] = [];
      const content: unknown[][] = [];
      const statistic: unknown[][] = [];
      for (let i = start; i < Math.min(start + BATCH, spec.articles); i++) {
        const created = new Date(articleTime(i));
        const cover =
          i % 3 === 0
            ? { type: 1, images: [`bench/cover-${i % 97}.jpg`] }
            : { type: 0, images: [] };
        basic.push([
          articleId(i),
          userId(i % spec.authors),
          channelOf(i, spec),
          `Bench article ${i}: ${sentence(random, 5)}`,
          JSON.stringify(cover),
          isApproved(i) ? 2 : 1,
          created,
          created,
        ]);
        content.push([
          articleId(i),
          `<p>${sentence(random, 60)}</p><p>${sentence(random, 60)}</p>`,
        ]);
        statistic.push([articleId(i)]);
      }
      await insertRows(
        connection,
        'news_article_basic',
        [
          'article_id',
          'user_id',
          'channel_id',
          'title',
          'cover',
          'status',
          'create_time',
          'update_time',
        ],
        basic,
      );
      await insertRows(connection, 'news_article_content', ['article_id', 'content'], content);
      await insertRows(connection, 'news_article_statistic', ['article_id'], statistic);
    }
    log(`articles: ${spec.articles} over ${spec.channels} channels`);

    const order = popularityOrder(spec);
    const pickRank = zipfSampler(spec.articles, spec.zipfS, random);
    for (let start = 0; start < spec.comments; start += BATCH) {
      const rows: unknown[][] = [];
      for (let i = start; i < Math.min(start + BATCH, spec.comments); i++) {
        let article = order[pickRank()];
        if (!isApproved(article)) article -= 1; // comments only on visible articles
        const created = new Date(commentTime(article, i));
        rows.push([
          commentId(article, i),
          userId(Math.floor(random() * spec.users)),
          articleId(article),
          sentence(random, 6),
          created,
          created,
        ]);
      }
      await insertRows(
        connection,
        'news_comment',
        ['comment_id', 'user_id', 'article_id', 'content', 'create_time', 'update_time'],
        rows,
      );
    }
    await connection.query(
      `UPDATE news_article_basic a JOIN (SELECT article_id, COUNT(*) AS n FROM news_comment GROUP BY article_id) c
       ON c.article_id = a.article_id SET a.comment_count = c.n`,
    );
    log(`comments: ${spec.comments} (Zipf s=${spec.zipfS})`);

    await connection.query('CREATE TABLE _bench_seed (spec TEXT NOT NULL)');
    await connection.query('INSERT INTO _bench_seed (spec) VALUES (?)', [
      JSON.stringify({ ...spec, version: SEED_VERSION }),
    ]);
  } finally {
    await connection.end();
  }
}

/** Counters and top articles live in Redis state; the bench Redis is fresh every run, so load them from MySQL. */
export async function seedRedisState(
  target: MysqlTarget,
  spec: DatasetSpec,
  state: Redis,
): Promise<void> {
  const connection = await connectMysql(target, databaseName(spec));
  try {
    const [comments] = await connection.query(
      'SELECT article_id, comment_count FROM news_article_basic WHERE comment_count > 0',
    );
    const [authors] = await connection.query(
      'SELECT user_id, COUNT(*) AS n FROM news_article_basic WHERE status = 2 GROUP BY user_id',
    );
    let pipeline = state.pipeline();
    let queued = 0;
    const flush = async (): Promise<void> => {
      await pipeline.exec();
      pipeline = state.pipeline();
      queued = 0;
    };
    for (const row of comments as Array<{ article_id: string; comment_count: number }>) {
      pipeline.zadd(CounterKeys.articleComments, row.comment_count, row.article_id);
      if (++queued >= 5_000) await flush();
    }
    for (const row of authors as Array<{ user_id: string; n: string | number }>)
      pipeline.zadd(CounterKeys.userArticles, Number(row.n), row.user_id);
    // Two sticky articles per channel (with_top=1), taken from the oldest approved ones.
    for (let c = 1; c <= spec.channels; c++) {
      for (const index of [c - 1, c - 1 + spec.channels])
        pipeline.zadd(StateKeys.channelTopArticles(c), Date.now(), articleId(index));
    }
    await flush();
  } finally {
    await connection.end();
  }
}
