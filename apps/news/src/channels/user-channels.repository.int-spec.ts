import { mysqlDataSourceOptions } from '@app/database';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { DataSource } from 'typeorm';

import { NEWS_SCHEMA } from '../database/news-schema';
import { UserChannelsRepository } from './user-channels.repository';

/** The default channels a user without rows is shown: go, then html. */
const SHOWN = [
  { id: 4, seq: 1 },
  { id: 1, seq: 2 },
];
const FRESH_USERS = 64;
/** The news service's pool (MYSQL_POOL_SIZE's default): the fresh users' changes queue for it. */
const POOL_SIZE = 10;

describe('UserChannelsRepository (real MariaDB)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let repository: UserChannelsRepository;

  /** Fresh users (snowflake ids, the newest of all, so next to each other in every index). */
  const freshUsers = (first: bigint) =>
    Array.from({ length: FRESH_USERS }, (_, index) => String(first + BigInt(index)));

  const listOf = async (userId: string) =>
    (await repository.findActive(userId)).map(({ id }) => Number(id));

  /** How many transactions `changes` ran: one per change unless one was retried. */
  const transactionsOf = async (changes: () => Promise<unknown>) => {
    const transaction = jest.spyOn(dataSource, 'transaction');
    try {
      await changes();
      return transaction.mock.calls.length;
    } finally {
      transaction.mockRestore();
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase([NEWS_SCHEMA]);
    dataSource = new DataSource(
      mysqlDataSourceOptions({ ...database.settings, MYSQL_POOL_SIZE: POOL_SIZE }, NEWS_SCHEMA),
    );
    await dataSource.initialize();
    await dataSource.query(
      `INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES
       (1, 'html', 2, 1, 1), (2, 'python', 1, 1, 0), (4, 'go', 1, 1, 1), (5, 'java', 3, 1, 0)`,
    );
    // Older users with lists of their own below the fresh ones.
    await dataSource.query(
      `INSERT INTO news_user_channel (user_id, channel_id, sequence) VALUES
       (1294287382374383616, 1, 1), (1294287382374383616, 2, 2), (1294287382374383617, 4, 1)`,
    );
    repository = new UserChannelsRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  describe('first changes of many users at once wait for no other user and are never retried', () => {
    it('PATCH', async () => {
      const users = freshUsers(1300000000000000000n);
      const transactions = await transactionsOf(() =>
        Promise.all(users.map((user) => repository.upsert(user, [{ id: 5, seq: 3 }], SHOWN))),
      );
      expect(transactions).toBe(FRESH_USERS);
      for (const user of users) expect(await listOf(user)).toEqual([4, 1, 5]);
    });

    it('POST', async () => {
      const users = freshUsers(1300000000000001000n);
      const transactions = await transactionsOf(async () => {
        const added = await Promise.all(
          users.map((user) => repository.add(user, [{ id: 2, seq: 3 }], SHOWN)),
        );
        expect(added.every(Boolean)).toBe(true);
      });
      expect(transactions).toBe(FRESH_USERS);
      for (const user of users) expect(await listOf(user)).toEqual([4, 1, 2]);
    });

    it('PUT', async () => {
      const users = freshUsers(1300000000000002000n);
      const transactions = await transactionsOf(() =>
        Promise.all(users.map((user) => repository.replace(user, [{ id: 5, seq: 1 }]))),
      );
      expect(transactions).toBe(FRESH_USERS);
      for (const user of users) expect(await listOf(user)).toEqual([5]);
    });

    it('DELETE', async () => {
      const users = freshUsers(1300000000000003000n);
      const transactions = await transactionsOf(() =>
        Promise.all(users.map((user) => repository.remove(user, [4, 77], SHOWN))),
      );
      expect(transactions).toBe(FRESH_USERS);
      for (const user of users) expect(await listOf(user)).toEqual([1]);
    });
  });

  it('later changes of those users at once are never retried either', async () => {
    const users = freshUsers(1300000000000000000n);
    const transactions = await transactionsOf(() =>
      Promise.all(users.map((user) => repository.remove(user, [1, 77], SHOWN))),
    );
    expect(transactions).toBe(FRESH_USERS);
    for (const user of users) expect(await listOf(user)).toEqual([4, 5]);
  });

  describe('a channel added at a sequence a listed channel holds (quick taps in the editor)', () => {
    beforeAll(async () => {
      await dataSource.query(
        `INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES
         (6, 'c', 4, 1, 0), (7, 'rust', 5, 1, 0), (8, 'php', 6, 1, 0), (9, 'ios', 7, 0, 0), (10, 'sql', 8, 0, 0)`,
      );
    });

    it('goes after every channel listed, so three taps at the length of the list shown keep their order', async () => {
      const user = '1300000000000005000';
      // Each tap sends seq 3 (推荐 and the two defaults shown) before the one before it is answered.
      for (const id of [8, 6, 7]) await repository.upsert(user, [{ id, seq: 3 }], SHOWN);
      expect(await listOf(user)).toEqual([4, 1, 8, 6, 7]);
    });

    it('is looked for in the one read of the list a PATCH makes, on the defaults or its own list', async () => {
      const user = '1300000000000005002';
      const selects = jest.spyOn(dataSource.logger, 'logQuery');
      const readsOf = async (change: () => Promise<void>) => {
        selects.mockClear();
        await change();
        return selects.mock.calls.filter(([query]) => query.startsWith('SELECT')).length;
      };
      try {
        expect(await readsOf(() => repository.upsert(user, [{ id: 6, seq: 3 }], SHOWN))).toBe(1);
        expect(await readsOf(() => repository.upsert(user, [{ id: 7, seq: 4 }], SHOWN))).toBe(1);
      } finally {
        selects.mockRestore();
      }
      expect(await listOf(user)).toEqual([4, 1, 6, 7]);
    });

    it('goes after every channel listed when hidden channels leave gaps in the sequences', async () => {
      const user = '1300000000000005001';
      await dataSource.query(
        `INSERT INTO news_user_channel (user_id, channel_id, sequence) VALUES
         (?, 4, 1), (?, 9, 2), (?, 10, 3), (?, 1, 4), (?, 2, 5)`,
        Array<string>(5).fill(user),
      );
      // The editor shows 推荐, go, html and python, and adds at seq 4.
      await repository.upsert(user, [{ id: 5, seq: 4 }], SHOWN);
      expect(await listOf(user)).toEqual([4, 1, 2, 5]);
    });
  });

  it('leaves the lists of older users as they were', async () => {
    expect(await listOf('1294287382374383616')).toEqual([1, 2]);
    expect(await listOf('1294287382374383617')).toEqual([4]);
  });
});
