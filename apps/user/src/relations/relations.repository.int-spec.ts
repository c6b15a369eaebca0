import { mysqlDataSourceOptions } from '@app/database';
import { createTestDatabase, type TestDatabase, withTestConnection } from '@app/testing';
import { DataSource } from 'typeorm';

import { USER_SCHEMA } from '../database/user-schema';
import { UserEntity } from '../users/user.entity';
import { RelationEntity, RelationType } from './relation.entity';
import { type FollowEdge, type FollowListKind, RelationsRepository } from './relations.repository';

const A = '1294287382374383616';
const B = '1294287382374383617';
const C = '1294287382374383618';
const CROWDED = '1294287382374383619';
const FOLLOWED_FROM = 1_300_000_000_000_000_000n;
const BLACKLISTED_FROM = 1_400_000_000_000_000_000n;

describe('RelationsRepository (real MariaDB)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let repository: RelationsRepository;

  const stored = () =>
    withTestConnection(database.settings, (query) =>
      query(
        'SELECT user_id, target_user_id, relation FROM user_relation ORDER BY user_id, target_user_id',
      ),
    );

  beforeAll(async () => {
    database = await createTestDatabase([USER_SCHEMA]);
    dataSource = await new DataSource({
      ...mysqlDataSourceOptions(database.settings, USER_SCHEMA),
      poolSize: 8,
      extra: { connectionLimit: 8 },
    }).initialize();
    repository = new RelationsRepository(
      dataSource,
      dataSource.getRepository(RelationEntity),
      dataSource.getRepository(UserEntity),
    );
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('lets exactly one of many concurrent identical follows see the change', async () => {
    const previous = await Promise.all(
      Array.from({ length: 12 }, () => repository.upsert(A, B, RelationType.Follow)),
    );
    expect(previous.filter((value) => value !== RelationType.Follow)).toEqual([
      RelationType.Cancelled,
    ]);
    expect(await stored()).toEqual([
      { user_id: A, target_user_id: B, relation: RelationType.Follow },
    ]);
  });

  it('returns the replaced value on the unique pair and keeps one row', async () => {
    expect(await repository.upsert(A, B, RelationType.Blacklist)).toBe(RelationType.Follow);
    expect(await repository.upsert(A, B, RelationType.Blacklist)).toBe(RelationType.Blacklist);
    expect(await repository.upsert(A, B, RelationType.Follow)).toBe(RelationType.Blacklist);
    expect(await stored()).toEqual([
      { user_id: A, target_user_id: B, relation: RelationType.Follow },
    ]);
  });

  it('transitions only from the expected value, once under concurrency', async () => {
    const moved = await Promise.all(
      Array.from({ length: 6 }, () =>
        repository.transition(A, B, RelationType.Follow, RelationType.Cancelled),
      ),
    );
    expect(moved.filter(Boolean)).toHaveLength(1);
    expect(await repository.transition(A, C, RelationType.Follow, RelationType.Cancelled)).toBe(
      false,
    );
    expect(await stored()).toEqual([
      { user_id: A, target_user_id: B, relation: RelationType.Cancelled },
    ]);
  });

  it('lists live follows newest first in both directions and the live relations of a user', async () => {
    await repository.upsert(A, B, RelationType.Follow);
    await repository.upsert(A, C, RelationType.Follow);
    await repository.upsert(C, B, RelationType.Blacklist);
    await withTestConnection(database.settings, async (query) => {
      await query(
        "UPDATE user_relation SET update_time = '2026-01-01 00:00:00' WHERE user_id = ? AND target_user_id = ?",
        [A, B],
      );
      await query(
        "UPDATE user_relation SET update_time = '2026-01-02 00:00:00' WHERE user_id = ? AND target_user_id = ?",
        [A, C],
      );
    });
    const chunksOf = async (kind: FollowListKind, userId: string, size?: number) => {
      const chunks: FollowEdge[][] = [];
      for await (const chunk of repository.followEdges(kind, userId, size)) chunks.push(chunk);
      return chunks;
    };
    expect(await chunksOf('following', A)).toEqual([
      [
        { userId: B, followedAt: Date.UTC(2026, 0, 1) },
        { userId: C, followedAt: Date.UTC(2026, 0, 2) },
      ],
    ]);
    expect(await chunksOf('following', A, 1)).toEqual([
      [expect.objectContaining({ userId: B })],
      [expect.objectContaining({ userId: C })],
    ]);
    expect(await chunksOf('fans', B)).toEqual([[expect.objectContaining({ userId: A })]]);
    expect(await chunksOf('fans', A)).toEqual([]);
    expect(await repository.followPage('following', A, 0, 10)).toEqual([C, B]);
    expect(await repository.followPage('following', A, 1, 10)).toEqual([B]);
    expect(await repository.followPage('fans', B, 0, 10)).toEqual([A]);
    expect(await repository.listedAmong('following', A, [B, C, A])).toEqual(new Set([B, C]));
    expect(await repository.listedAmong('fans', B, [A, C])).toEqual(new Set([A]));
    expect(await repository.listedAmong('fans', B, [])).toEqual(new Set());
    expect(await repository.relationsOf(C, 10)).toEqual([
      { targetUserId: B, relation: RelationType.Blacklist },
    ]);
    expect(await repository.relationsOf(A, 10)).toHaveLength(2);
    expect(await repository.relationsOf(A, 1)).toHaveLength(2);
    expect(await repository.relationsOf(A, 0)).toHaveLength(1);
    expect(await repository.relationOf(A, B)).toBe(RelationType.Follow);
    expect(await repository.relationOf(C, B)).toBe(RelationType.Blacklist);
    expect(await repository.relationOf(B, A)).toBe(RelationType.Cancelled);
  });

  it("reads a user's blacklist, at most limit + 1 ids, through the blacklisted rows only", async () => {
    // An account following thousands, as the blacklist check meets for an author.
    const followed = Array.from({ length: 3000 }, (_, index) =>
      String(FOLLOWED_FROM + BigInt(index)),
    );
    const blacklisted = Array.from({ length: 4 }, (_, index) =>
      String(BLACKLISTED_FROM + BigInt(index)),
    );
    await withTestConnection(database.settings, (query) =>
      query('INSERT INTO user_relation (user_id, target_user_id, relation) VALUES ?', [
        [
          ...followed.map((target) => [CROWDED, target, RelationType.Follow]),
          ...blacklisted.map((target) => [CROWDED, target, RelationType.Blacklist]),
          [CROWDED, A, RelationType.Cancelled],
        ],
      ]),
    );
    expect((await repository.blacklistOf(CROWDED, 10)).sort()).toEqual(blacklisted);
    expect(await repository.blacklistOf(CROWDED, 2)).toHaveLength(3);
    expect(await repository.blacklistOf(A, 10)).toEqual([]);

    // Index entries the read steps through, on the one connection of its own data source.
    const single = await new DataSource({
      ...mysqlDataSourceOptions(database.settings, USER_SCHEMA),
      poolSize: 1,
      extra: { connectionLimit: 1 },
    }).initialize();
    try {
      const rowsRead = async () => {
        const status = await single.query<{ Value: string }[]>(
          "SHOW SESSION STATUS WHERE Variable_name IN ('Handler_read_key', 'Handler_read_next', 'Handler_read_rnd_next')",
        );
        return status.reduce((sum, { Value }) => sum + Number(Value), 0);
      };
      const own = new RelationsRepository(
        single,
        single.getRepository(RelationEntity),
        single.getRepository(UserEntity),
      );
      const before = await rowsRead();
      expect(await own.blacklistOf(CROWDED, 10)).toHaveLength(blacklisted.length);
      expect((await rowsRead()) - before).toBeLessThan(50);
    } finally {
      await single.destroy();
    }
  });
});
