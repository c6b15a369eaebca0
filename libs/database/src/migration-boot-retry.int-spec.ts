import { createTestDatabase, type TestDatabase, withTestConnection } from '@app/testing';
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { MigrationInterface, QueryRunner } from 'typeorm';

import type { ServiceSchema } from './data-source-options';
import { DatabaseModule } from './database.module';

const runs = { failing: 0, killedOnce: 0 };

class CreateProbeTable1700000000000 implements MigrationInterface {
  name = 'CreateProbeTable1700000000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE probe (id INT PRIMARY KEY)');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE probe');
  }
}

class ReadMissingTable1700000000001 implements MigrationInterface {
  name = 'ReadMissingTable1700000000001';
  async up(queryRunner: QueryRunner): Promise<void> {
    runs.failing += 1;
    await queryRunner.query('UPDATE no_such_table SET id = 1');
  }
  async down(): Promise<void> {}
}

/** Loses its connection the first time it runs (the server kills it), then applies. */
class KilledOnce1700000000001 implements MigrationInterface {
  name = 'KilledOnce1700000000001';
  async up(queryRunner: QueryRunner): Promise<void> {
    runs.killedOnce += 1;
    if (runs.killedOnce === 1) {
      const [{ id }] = (await queryRunner.query('SELECT CONNECTION_ID() AS id')) as {
        id: number;
      }[];
      await queryRunner.query(`KILL CONNECTION ${Number(id)}`);
    }
    await queryRunner.query('CREATE TABLE probe_after_kill (id INT PRIMARY KEY)');
  }
  async down(): Promise<void> {}
}

function boot(database: TestDatabase, schema: ServiceSchema): Promise<unknown> {
  return Test.createTestingModule({
    imports: [DatabaseModule.forRoot({ ...database.settings, MIGRATIONS_RUN: true }, schema)],
  })
    .compile()
    .then((module) => module.close());
}

async function appliedMigrations(database: TestDatabase): Promise<string[]> {
  const rows = await withTestConnection(database.settings, (sql) =>
    sql('SELECT name FROM migrations_probe ORDER BY id'),
  );
  return (rows as { name: string }[]).map((row) => row.name);
}

describe('a boot with MIGRATIONS_RUN under the connection retry (real MariaDB)', () => {
  let database: TestDatabase;
  let errors: jest.SpyInstance;

  beforeEach(async () => {
    database = await createTestDatabase([]);
    runs.failing = 0;
    runs.killedOnce = 0;
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    errors.mockRestore();
    await database.drop();
  });

  it("fails once on a migration that fails, naming it and MySQL's message, where the retry ran it 9 times as a connection error", async () => {
    const schema: ServiceSchema = {
      service: 'probe',
      entities: [],
      migrations: [CreateProbeTable1700000000000, ReadMissingTable1700000000001],
    };

    await expect(boot(database, schema)).rejects.toThrow(
      `probe: migration ReadMissingTable1700000000001 of database ${database.settings.MYSQL_DATABASE} failed (ER_NO_SUCH_TABLE): Table '${database.settings.MYSQL_DATABASE}.no_such_table' doesn't exist`,
    );

    expect(runs.failing).toBe(1);
    const messages = errors.mock.calls.map(([message]) => String(message));
    expect(
      messages.filter((message) => message.includes('Unable to connect to the database')),
    ).toEqual([]);
    await expect(appliedMigrations(database)).resolves.toEqual(['CreateProbeTable1700000000000']);
  });

  it('still tries the boot again when a migration loses its connection, and applies it then', async () => {
    const schema: ServiceSchema = {
      service: 'probe',
      entities: [],
      migrations: [CreateProbeTable1700000000000, KilledOnce1700000000001],
    };

    await expect(boot(database, schema)).resolves.toBeUndefined();

    expect(runs.killedOnce).toBe(2);
    const messages = errors.mock.calls.map(([message]) => String(message));
    expect(
      messages.filter((message) => message.includes('Unable to connect to the database')),
    ).toHaveLength(1);
    await expect(appliedMigrations(database)).resolves.toEqual([
      'CreateProbeTable1700000000000',
      'KilledOnce1700000000001',
    ]);
  });
});
