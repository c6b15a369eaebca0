import { mysqlDataSourceOptions } from '@app/database';
import { createTestDatabase, type TestDatabase, withTestConnection } from '@app/testing';
import { DataSource } from 'typeorm';

import { USER_SCHEMA } from '../database/user-schema';
import { MaterialEntity, MaterialStatus } from './material.entity';
import { MaterialsRepository } from './materials.repository';

const A = '1294287382374383616';
const B = '1294287382374383617';
const hash = (n: number): string => n.toString(16).padStart(64, '0');

describe('MaterialsRepository (real MariaDB)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let repository: MaterialsRepository;

  const rows = () =>
    withTestConnection(database.settings, (query) =>
      query('SELECT user_id, hash, status, is_collected FROM user_material ORDER BY material_id'),
    );
  const setRow = (id: number, changes: string) =>
    withTestConnection(database.settings, (query) =>
      query(`UPDATE user_material SET ${changes} WHERE material_id = ?`, [id]),
    );

  beforeAll(async () => {
    database = await createTestDatabase([USER_SCHEMA]);
    dataSource = await new DataSource({
      ...mysqlDataSourceOptions(database.settings, USER_SCHEMA),
      poolSize: 8,
      extra: { connectionLimit: 8 },
    }).initialize();
    repository = new MaterialsRepository(dataSource.getRepository(MaterialEntity));
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  beforeEach(() =>
    withTestConnection(database.settings, (query) => query('DELETE FROM user_material')),
  );

  it('keeps one row per (user, hash) under concurrent uploads and answers the same id', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => repository.upsertImage(A, `${hash(1)}.png`, hash(1))),
    );
    expect(new Set(results.map((row) => row.id)).size).toBe(1);
    expect(await rows()).toEqual([
      { user_id: A, hash: hash(1), status: MaterialStatus.Approved, is_collected: 0 },
    ]);
  });

  it('restores a deleted image uncollected, and never undoes a failed review', async () => {
    const deleted = await repository.upsertImage(A, `${hash(2)}.png`, hash(2));
    await setRow(deleted.id, `status = ${MaterialStatus.Deleted}, is_collected = 1`);
    const restored = await repository.upsertImage(A, `${hash(2)}.png`, hash(2));
    expect(restored).toEqual({ id: deleted.id, url: `${hash(2)}.png`, isCollected: false });

    const failed = await repository.upsertImage(A, `${hash(3)}.png`, hash(3));
    await setRow(failed.id, `status = ${MaterialStatus.Failed}, is_collected = 1`);
    expect(await repository.upsertImage(A, `${hash(3)}.png`, hash(3))).toMatchObject({
      id: failed.id,
      isCollected: true,
    });
    expect(await rows()).toEqual([
      { user_id: A, hash: hash(2), status: MaterialStatus.Approved, is_collected: 0 },
      { user_id: A, hash: hash(3), status: MaterialStatus.Failed, is_collected: 1 },
    ]);
  });

  it('lists live images of one user, collected first then newest, and pages', async () => {
    const ids: number[] = [];
    for (let n = 10; n < 14; n++)
      ids.push((await repository.upsertImage(A, `${hash(n)}.gif`, hash(n))).id);
    await repository.upsertImage(B, `${hash(10)}.gif`, hash(10));
    for (const [index, id] of ids.entries())
      await setRow(id, `create_time = '2024-01-0${index + 1}'`);
    await setRow(ids[0], 'is_collected = 1');
    await setRow(ids[2], `status = ${MaterialStatus.Deleted}`);

    const all = await repository.listImages(A, false, 0, 10);
    expect(all.total).toBe(3);
    expect(all.rows.map((row) => row.id)).toEqual([ids[0], ids[3], ids[1]]);
    expect((await repository.listImages(A, true, 0, 10)).rows.map((row) => row.id)).toEqual([
      ids[0],
    ]);
    expect((await repository.listImages(A, false, 1, 1)).rows.map((row) => row.id)).toEqual([
      ids[3],
    ]);
  });

  it("collects and deletes only the owner's live images", async () => {
    const image = await repository.upsertImage(A, `${hash(20)}.png`, hash(20));
    expect(await repository.setCollected(B, image.id, true)).toBe(false);
    expect(await repository.softDelete(B, image.id)).toBe(false);
    expect(await repository.setCollected(A, image.id, true)).toBe(true);
    expect(await repository.softDelete(A, image.id)).toBe(true);
    expect(await repository.softDelete(A, image.id)).toBe(false);
    expect(await repository.setCollected(A, image.id, false)).toBe(false);
    expect(await rows()).toEqual([
      { user_id: A, hash: hash(20), status: MaterialStatus.Deleted, is_collected: 1 },
    ]);
  });
});
