import { mysqlDataSourceOptions } from '@app/database';
import { createTestDatabase, type TestDatabase, withTestConnection } from '@app/testing';
import { DataSource } from 'typeorm';

import { USER_SCHEMA } from '../database/user-schema';
import { FollowerStatisticsRepository } from './follower-statistics.repository';

const AUTHOR = '1294287382374383616';
const OTHER_AUTHOR = '1294287382374383617';
const TODAY = '2025-06-15';

// [gender, birthday, relation to AUTHOR]
const FOLLOWERS: Array<[number, string | null, number]> = [
  [0, '2007-06-15', 1], // 18 today: le18
  [1, '2006-06-16', 1], // 18, 19 tomorrow: le18
  [1, '2006-06-15', 1], // 19 today: le23
  [0, '2001-06-16', 1], // 23: le23
  [0, '2001-06-15', 1], // 24: le30
  [1, '1994-06-15', 1], // 31: le40
  [1, '1975-06-16', 1], // 49: le50
  [0, '1975-06-15', 1], // 50: le50
  [1, '1974-06-15', 1], // 51: gt50
  [0, null, 1], // no birthday: gender only
  [1, '1990-01-01', 0], // cancelled follow
  [0, '1990-01-01', 2], // blacklist
];

describe('FollowerStatisticsRepository (real MariaDB)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let repository: FollowerStatisticsRepository;

  beforeAll(async () => {
    database = await createTestDatabase([USER_SCHEMA]);
    dataSource = await new DataSource(
      mysqlDataSourceOptions(database.settings, USER_SCHEMA),
    ).initialize();
    repository = new FollowerStatisticsRepository(dataSource);
    await withTestConnection(database.settings, async (query) => {
      for (const [index, [gender, birthday, relation]] of FOLLOWERS.entries()) {
        const id = String(1294287382374384000n + BigInt(index));
        await query('INSERT INTO user_profile (user_id, gender, birthday) VALUES (?, ?, ?)', [
          id,
          gender,
          birthday,
        ]);
        await query(
          'INSERT INTO user_relation (user_id, target_user_id, relation) VALUES (?, ?, ?)',
          [id, AUTHOR, relation],
        );
      }
      // A follow of another author is not AUTHOR's.
      await query(
        'INSERT INTO user_relation (user_id, target_user_id, relation) VALUES (?, ?, 1)',
        ['1294287382374384000', OTHER_AUTHOR],
      );
    });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('counts genders and age buckets (boundaries on birthdays) over follows only', async () => {
    expect(await repository.countFollowers(AUTHOR, TODAY)).toEqual({
      male: 5,
      female: 5,
      le18: 2,
      le23: 2,
      le30: 1,
      le40: 1,
      le50: 2,
      gt50: 1,
    });
  });

  it('answers zeros for a user without followers', async () => {
    expect(await repository.countFollowers('1294287382374389999', TODAY)).toEqual({
      male: 0,
      female: 0,
      le18: 0,
      le23: 0,
      le30: 0,
      le40: 0,
      le50: 0,
      gt50: 0,
    });
  });
});
