import {
  createTestDatabase,
  type TestDatabase,
  TEST_MYSQL_SERVER,
  withTestConnection,
} from '@app/testing';
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createConnection } from 'mysql2/promise';
import type { MigrationInterface, QueryRunner } from 'typeorm';

import { mysqlDataSourceOptions, type ServiceSchema } from './data-source-options';
import { DatabaseModule } from './database.module';
import { mysqlConnectionOptions } from './mysql-connection';
import { initializeMigrated, migrationLockName } from './migration-lock';

class CreateProbeTable1700000000000 implements MigrationInterface {
  name = 'CreateProbeTable1700000000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE probe (id INT PRIMARY KEY)');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE probe');
  }
}

const SCHEMA: ServiceSchema = {
  service: 'probe',
  entities: [],
  migrations: [CreateProbeTable1700000000000],
};

/** Another session holding `database`'s migration lock until `release`. */
async function holdLock(database: string): Promise<{ release(): Promise<void> }> {
  const connection = await createConnection(mysqlConnectionOptions(TEST_MYSQL_SERVER));
  await connection.query('SELECT GET_LOCK(?, 0)', [migrationLockName(database)]);
  let ended: Promise<void> | undefined;
  return { release: () => (ended ??= connection.end()) };
}

async function migrate(
  database: TestDatabase,
  waitSeconds: number,
  onWait?: (message: string) => void,
): Promise<string[]> {
  const settings = { ...database.settings, MIGRATIONS_RUN: true };
  const dataSource = await initializeMigrated(
    mysqlDataSourceOptions(settings, SCHEMA),
    settings,
    SCHEMA,
    { waitSeconds, onWait },
  );
  await dataSource.destroy();
  const rows = await withTestConnection(database.settings, (sql) =>
    sql('SELECT name FROM migrations_probe'),
  );
  return (rows as { name: string }[]).map((row) => row.name);
}

async function lockFree(database: string): Promise<boolean> {
  return withTestConnection(
    { ...TEST_MYSQL_SERVER, MYSQL_DATABASE: database, MYSQL_POOL_SIZE: 1, MIGRATIONS_RUN: false },
    async (sql) => {
      const [row] = (await sql('SELECT IS_FREE_LOCK(?) AS free', [
        migrationLockName(database),
      ])) as { free: number }[];
      return Number(row.free) === 1;
    },
  );
}

describe('migration runs under the database lock (real MariaDB)', () => {
  let database: TestDatabase;
  let other: TestDatabase;

  beforeEach(async () => {
    [database, other] = await Promise.all([createTestDatabase([]), createTestDatabase([])]);
  });

  afterEach(async () => {
    await Promise.all([database.drop(), other.drop()]);
  });

  it('names the lock after the database, within the 64 characters MySQL allows', () => {
    expect(migrationLockName('tt_test_1_ab')).toBe('toutiao_migrations.tt_test_1_ab');
    const long = migrationLockName('d'.repeat(64));
    expect(long).toHaveLength(64);
    expect(long).not.toBe(migrationLockName(`${'d'.repeat(63)}e`));
  });

  it('fails after its bounded wait, naming the database and the lock, while another run holds it, and applies nothing', async () => {
    const holder = await holdLock(database.settings.MYSQL_DATABASE);
    const waits: string[] = [];
    try {
      await expect(migrate(database, 1, (message) => waits.push(message))).rejects.toThrow(
        `probe: another migration run of database ${database.settings.MYSQL_DATABASE} still holds lock ${migrationLockName(database.settings.MYSQL_DATABASE)} after 1 s`,
      );
    } finally {
      await holder.release();
    }
    expect(waits).toEqual([
      `probe: another migration run of database ${database.settings.MYSQL_DATABASE} holds lock ${migrationLockName(database.settings.MYSQL_DATABASE)}; waiting up to 1 s`,
    ]);
    await expect(
      withTestConnection(database.settings, (sql) => sql('SHOW TABLES')),
    ).resolves.toEqual([]);
  });

  it('is not held up by the lock of another database, and releases its own after the run', async () => {
    const holder = await holdLock(other.settings.MYSQL_DATABASE);
    try {
      await expect(migrate(database, 1)).resolves.toEqual(['CreateProbeTable1700000000000']);
    } finally {
      await holder.release();
    }
    await expect(lockFree(database.settings.MYSQL_DATABASE)).resolves.toBe(true);
  });

  it('runs once the holder releases the lock within the wait', async () => {
    const holder = await holdLock(database.settings.MYSQL_DATABASE);
    let waited: () => void = () => undefined;
    const waiting = new Promise<void>((resolve) => {
      waited = resolve;
    });
    const run = migrate(database, 30, () => waited());
    await waiting;
    await holder.release();
    await expect(run).resolves.toEqual(['CreateProbeTable1700000000000']);
  });

  it('fails a boot with MIGRATIONS_RUN once when the lock stays held past its wait, where the connection retry ran the wait again', async () => {
    const name = database.settings.MYSQL_DATABASE;
    const holder = await holdLock(name);
    // Were the failed boot tried again, the lock would be free by then and the retry would pass.
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => {
      void holder.release();
    });
    const waits: string[] = [];
    try {
      await expect(
        Test.createTestingModule({
          imports: [
            DatabaseModule.forRoot({ ...database.settings, MIGRATIONS_RUN: true }, SCHEMA, {
              waitSeconds: 1,
              onWait: (message) => waits.push(message),
            }),
          ],
        }).compile(),
      ).rejects.toThrow(
        `probe: another migration run of database ${name} still holds lock ${migrationLockName(name)} after 1 s`,
      );
      expect(waits).toHaveLength(1);
    } finally {
      errors.mockRestore();
      await holder.release();
    }
    await expect(
      withTestConnection(database.settings, (sql) => sql('SHOW TABLES')),
    ).resolves.toEqual([]);
  });
});
