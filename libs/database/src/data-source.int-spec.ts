import { createTestDatabase, type TestDatabase } from '@app/testing';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

import { DatabaseHealth } from './database.health';
import { mysqlDataSourceOptions } from './data-source-options';

@Entity('probe')
class ProbeEntity {
  @PrimaryColumn({ type: 'bigint', unsigned: true })
  id: string;

  @Column({ type: 'datetime' })
  at: Date;
}

class CreateProbe1764000000000 implements MigrationInterface {
  name = 'CreateProbe1764000000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE probe (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, at DATETIME NOT NULL)',
    );
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE probe');
  }
}

describe('mysqlDataSourceOptions (real MariaDB)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const schema = {
    service: 'probe',
    entities: [ProbeEntity],
    migrations: [CreateProbe1764000000000],
  };

  beforeAll(async () => {
    database = await createTestDatabase([schema]);
    dataSource = await new DataSource(
      mysqlDataSourceOptions(database.settings, schema),
    ).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('keeps 64-bit ids exact as strings', async () => {
    const id = '18446744073709551615';
    await dataSource.getRepository(ProbeEntity).save({ id, at: new Date() });
    const row = await dataSource.getRepository(ProbeEntity).findOneByOrFail({ id });
    expect(row.id).toBe(id);
    expect(typeof row.id).toBe('string');
  });

  it('stores times in UTC', async () => {
    const at = new Date('2026-01-02T03:04:05.000Z');
    await dataSource.getRepository(ProbeEntity).save({ id: '2', at });
    const [raw] = await dataSource.query<{ at: string }[]>(
      "SELECT DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s') AS at FROM probe WHERE id = 2",
    );
    expect(raw.at).toBe('2026-01-02 03:04:05');
    expect(
      (await dataSource.getRepository(ProbeEntity).findOneByOrFail({ id: '2' })).at.toISOString(),
    ).toBe(at.toISOString());
  });

  it("runs every pooled session in UTC, whatever the server's zone, for the times MySQL fills in", async () => {
    const runners = [
      dataSource.createQueryRunner(),
      dataSource.createQueryRunner(),
      dataSource.createQueryRunner(),
    ];
    try {
      const zones = await Promise.all(
        runners.map(async (runner) => {
          await runner.connect();
          const rows = (await runner.query('SELECT @@session.time_zone AS zone')) as Array<{
            zone: string;
          }>;
          return rows[0].zone;
        }),
      );
      expect(zones).toEqual(['+00:00', '+00:00', '+00:00']);
    } finally {
      await Promise.all(runners.map((runner) => runner.release()));
    }
  });

  it('tracks migrations per service and never synchronizes', async () => {
    const tables = await dataSource.query<{ name: string }[]>(
      'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()',
    );
    expect(tables.map((t) => t.name).sort()).toEqual(['migrations_probe', 'probe']);
    expect(dataSource.options.synchronize).toBe(false);
    expect(await dataSource.runMigrations()).toEqual([]);
  });

  it('reports readiness from a real query', async () => {
    expect(await new DatabaseHealth(dataSource).isReady()).toBe(true);
    const closed = await new DataSource(
      mysqlDataSourceOptions(database.settings, schema),
    ).initialize();
    await closed.destroy();
    expect(await new DatabaseHealth(closed).isReady()).toBe(false);
  });
});
