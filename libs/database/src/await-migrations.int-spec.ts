import {
  createTestDatabase,
  type TestDatabase,
  TEST_MYSQL_SERVER,
  withTestConnection,
} from '@app/testing';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';

import { awaitMigrations, pendingMigrations } from './await-migrations';
import { mysqlDataSourceOptions, type ServiceSchema } from './data-source-options';

class CreateProbeTable1700000000000 implements MigrationInterface {
  name = 'CreateProbeTable1700000000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE probe (id INT PRIMARY KEY)');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE probe');
  }
}

class AddProbeColumn1700000001000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE probe ADD COLUMN note INT NULL');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE probe DROP COLUMN note');
  }
}

const SCHEMA: ServiceSchema = {
  service: 'probe',
  entities: [],
  migrations: [CreateProbeTable1700000000000, AddProbeColumn1700000001000],
};

async function runMigrations(database: TestDatabase, schema: ServiceSchema): Promise<void> {
  const dataSource = new DataSource(mysqlDataSourceOptions(database.settings, schema));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}

describe('awaitMigrations', () => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createTestDatabase([]);
  });

  afterEach(async () => {
    await database.drop();
  });

  it('counts every migration pending while the database or its migrations table is missing, and creates neither', async () => {
    const missing = {
      ...TEST_MYSQL_SERVER,
      MYSQL_DATABASE: `${database.settings.MYSQL_DATABASE}_none`,
    };
    await expect(pendingMigrations(missing, SCHEMA)).resolves.toEqual([
      'CreateProbeTable1700000000000',
      'AddProbeColumn1700000001000',
    ]);
    await expect(pendingMigrations(database.settings, SCHEMA)).resolves.toEqual([
      'CreateProbeTable1700000000000',
      'AddProbeColumn1700000001000',
    ]);
    await expect(
      withTestConnection(database.settings, (query) => query('SHOW TABLES')),
    ).resolves.toEqual([]);
    await expect(
      withTestConnection(database.settings, (query) =>
        query('SHOW DATABASES LIKE ?', [missing.MYSQL_DATABASE]),
      ),
    ).resolves.toEqual([]);
  });

  it('waits until the migrations are applied by someone else, then resolves', async () => {
    await runMigrations(database, { ...SCHEMA, migrations: [CreateProbeTable1700000000000] });
    await expect(pendingMigrations(database.settings, SCHEMA)).resolves.toEqual([
      'AddProbeColumn1700000001000',
    ]);

    const waits: string[] = [];
    let done = false;
    const waiting = awaitMigrations(database.settings, SCHEMA, {
      intervalMs: 50,
      timeoutMs: 10_000,
      onWait: (reason) => waits.push(reason),
    }).then(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(done).toBe(false);
    expect(waits.at(0)).toBe('probe: waiting for migrations AddProbeColumn1700000001000');

    await runMigrations(database, SCHEMA);
    await waiting;
    expect(done).toBe(true);
    await expect(pendingMigrations(database.settings, SCHEMA)).resolves.toEqual([]);
  });

  it('gives up past its timeout, naming what is pending', async () => {
    await expect(
      awaitMigrations(database.settings, SCHEMA, { intervalMs: 50, timeoutMs: 200 }),
    ).rejects.toThrow(
      'probe: waiting for migrations CreateProbeTable1700000000000, AddProbeColumn1700000001000 (gave up after 200 ms)',
    );
  });
});
