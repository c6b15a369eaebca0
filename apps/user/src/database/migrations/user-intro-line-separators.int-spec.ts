import { CacheKeys } from '@app/cache';
import { mysqlDataSourceOptions } from '@app/database';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  testEnv,
  type TestRedis,
  withTestConnection,
} from '@app/testing';
import { IsTextLine } from '@app/grpc';
import { plainToInstance } from 'class-transformer';
import { IsOptional, validate } from 'class-validator';
import { DataSource } from 'typeorm';

import { checkProfileChanges } from '../../users/profile-rules';
import { USER_SCHEMA } from '../user-schema';

const MIGRATION = 'UserIntroLineSeparators1764490000000';
const LINES = '1294287382374383861';
const PARAGRAPHS = '1294287382374383862';
const AROUND = '1294287382374383863';
const CLEAN = '1294287382374383864';
const NO_INTRO = '1294287382374383865';
const STORED: Array<[id: string, intro: string | null]> = [
  [LINES, '写茶\u2028也写水'],
  [PARAGRAPHS, 'tea\u2029\u2029water'],
  [AROUND, '\u2028tea\u2029'],
  [CLEAN, 'plain tea'],
  [NO_INTRO, null],
];

/** The intro rule of the edges (the app's and the media platform's profile DTOs). */
class IntroAtTheEdge {
  @IsOptional()
  @IsTextLine(0, 60, { message: 'intro' })
  intro?: string;
}

/** The publish admin's settings form sent back as loaded: its intro, checked at the edge and by the service. */
async function formRefusals(intro: string | null): Promise<string[]> {
  const edge = await validate(plainToInstance(IntroAtTheEdge, { intro }), { whitelist: true });
  const service = checkProfileChanges({ intro: intro ?? undefined }, '2026-01-01');
  return [
    ...edge.map((error) => error.property),
    ...('problem' in service ? [`service ${service.problem.field ?? ''}`] : []),
  ];
}

describe('user migration UserIntroLineSeparators (real MariaDB and Redis)', () => {
  let database: TestDatabase;
  let redis: TestRedis;

  const sql = (query: string, params?: unknown[]) =>
    withTestConnection(database.settings, (run) => run(query, params));
  const users = async () =>
    (await sql(
      'SELECT user_id, user_name, introduction, update_time FROM user_basic ORDER BY user_id',
    )) as Array<{
      user_id: string;
      user_name: string;
      introduction: string | null;
      update_time: Date;
    }>;
  const cachedProfiles = async (ids: string[]) => {
    const cache = redis.client('cache');
    const keys = ids.flatMap((id) => [CacheKeys.userProfile(id), CacheKeys.userProfileExtra(id)]);
    const found = await Promise.all(keys.map((key) => cache.exists(`${redis.prefix}${key}`)));
    return keys.filter((_, index) => found[index] === 1);
  };
  /** Runs the user migrations again with this one's row deleted, as its run on stored rows does. */
  const runAgain = async (): Promise<string[]> => {
    const env = testEnv(database.settings, redis);
    const saved = Object.keys(env).map((name) => [name, process.env[name]] as const);
    Object.assign(process.env, env);
    const dataSource = await new DataSource(
      mysqlDataSourceOptions(database.settings, USER_SCHEMA),
    ).initialize();
    try {
      await dataSource.query('DELETE FROM migrations_user WHERE name = ?', [MIGRATION]);
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await dataSource.destroy();
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase([USER_SCHEMA]);
    redis = createTestRedis();
  });

  afterAll(async () => {
    await redis?.cleanup();
    await database?.drop();
  });

  it('makes a line or paragraph separator stored in an intro a space between words, dropping those at either end, so the settings form saves as loaded again', async () => {
    for (const [index, [id, intro]] of STORED.entries())
      await sql(
        `INSERT INTO user_basic (user_id, mobile, user_name, introduction, status, update_time)
         VALUES (?, ?, ?, ?, 1, '2025-01-01 00:00:00')`,
        [id, `1390000020${index}`, `author${index}`, intro],
      );
    const before = await users();
    for (const { introduction } of before.slice(0, 3))
      expect(await formRefusals(introduction)).toEqual(['intro', 'service intro']);
    const cache = redis.client('cache');
    for (const [id] of STORED) {
      await cache.set(`${redis.prefix}${CacheKeys.userProfile(id)}`, '{}');
      await cache.set(`${redis.prefix}${CacheKeys.userProfileExtra(id)}`, '{}');
    }

    const applied = await runAgain();

    const after = await users();
    expect(after.map((row) => [row.user_id, row.introduction])).toEqual([
      [LINES, '写茶 也写水'],
      [PARAGRAPHS, 'tea  water'],
      [AROUND, 'tea'],
      [CLEAN, 'plain tea'],
      [NO_INTRO, null],
    ]);
    // Nobody edited a profile: update_time stays as it was.
    expect(after.map((row) => row.update_time)).toEqual(before.map((row) => row.update_time));
    for (const { user_name, introduction } of after)
      expect([user_name, await formRefusals(introduction)]).toEqual([user_name, []]);
    // The cached copies of the profiles repaired are gone; the others stay.
    expect(await cachedProfiles(STORED.map(([id]) => id))).toEqual([
      CacheKeys.userProfile(CLEAN),
      CacheKeys.userProfileExtra(CLEAN),
      CacheKeys.userProfile(NO_INTRO),
      CacheKeys.userProfileExtra(NO_INTRO),
    ]);
    expect(applied).toEqual([MIGRATION]);

    // A run again writes nothing.
    await cache.set(`${redis.prefix}${CacheKeys.userProfile(LINES)}`, '{}');
    expect(await runAgain()).toEqual([MIGRATION]);
    expect(await users()).toEqual(after);
    expect(await cachedProfiles([LINES])).toEqual([CacheKeys.userProfile(LINES)]);
  });
});
