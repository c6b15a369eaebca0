import { mysqlDataSourceOptions, type MysqlSettings, type ServiceSchema } from '@app/database';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';

import { createTestDatabase, type TestDatabase, withTestConnection } from './test-database';

/** Each table's `SHOW CREATE TABLE`, its AUTO_INCREMENT counter left out; the migrations tables too. */
export type SchemaSnapshot = Record<string, string>;

/** The statements a migration run dies between (a lost connection, a killed pod): DDL commits each. */
const SCHEMA_STATEMENT = /^\s*(CREATE|ALTER|DROP|RENAME)\s/i;

export async function schemaSnapshot(settings: MysqlSettings): Promise<SchemaSnapshot> {
  return withTestConnection(settings, async (sql) => {
    const tables = (await sql(
      `SELECT TABLE_NAME AS name FROM information_schema.TABLES
       WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'migrations\\_%' ORDER BY TABLE_NAME`,
    )) as { name: string }[];
    const snapshot: SchemaSnapshot = {};
    for (const { name } of tables) {
      const [row] = (await sql(`SHOW CREATE TABLE \`${name}\``)) as { 'Create Table': string }[];
      snapshot[name] = row['Create Table'].replace(/ AUTO_INCREMENT=\d+/, '');
    }
    return snapshot;
  });
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
function migrationClasses(schema: ServiceSchema): Function[] {
  if (!Array.isArray(schema.migrations))
    throw new Error(`${schema.service}: migrations are listed as classes`);
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  return schema.migrations as Function[];
}

/** Applies the pending ones among the first `count` migrations of `schema`, as `migrate.js` does. */
async function migrateThrough(
  settings: MysqlSettings,
  schema: ServiceSchema,
  count: number,
): Promise<void> {
  const dataSource = new DataSource({
    ...mysqlDataSourceOptions(settings, {
      ...schema,
      migrations: migrationClasses(schema).slice(0, count),
    }),
    migrationsRun: false,
  });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}

class RunKilled extends Error {}

/**
 * Runs `step` of `migration` on a connection that dies before its schema statement number
 * `statements + 1`: the first `statements` are applied, the rest are not, and nothing records it.
 */
async function runKilledAfter(
  dataSource: DataSource,
  migration: MigrationInterface,
  step: 'up' | 'down',
  statements: number,
): Promise<void> {
  const runner = dataSource.createQueryRunner();
  let left = statements;
  const dying = new Proxy(runner, {
    get(target, property, receiver) {
      if (property !== 'query') return Reflect.get(target, property, receiver) as unknown;
      return async (query: string, parameters?: unknown[]) => {
        if (SCHEMA_STATEMENT.test(query)) {
          if (left === 0) throw new RunKilled(`killed before: ${query}`);
          left -= 1;
        }
        return (await target.query(query, parameters)) as unknown;
      };
    },
  });
  try {
    await migration[step](dying);
  } catch (error) {
    if (!(error instanceof RunKilled)) throw error;
  } finally {
    await runner.release();
  }
}

async function runStep(
  dataSource: DataSource,
  migration: MigrationInterface,
  step: 'up' | 'down',
): Promise<void> {
  const runner: QueryRunner = dataSource.createQueryRunner();
  try {
    await migration[step](runner);
  } finally {
    await runner.release();
  }
}

/**
 * Cases for every migration of `schema`, in order on one database of their own: its `up` killed
 * after its first schema statement, then the migrations run again; its row then deleted and the
 * migrations run again; and on the way back its `down` killed likewise, then run twice. Each run
 * must complete and leave the schema a clean run leaves.
 */
export function describeMigrationReruns(schema: ServiceSchema): void {
  const classes = migrationClasses(schema);
  const migrations = classes.map((Migration) => new (Migration as new () => MigrationInterface)());
  const before: SchemaSnapshot[] = [];
  let database: TestDatabase;
  let dataSource: DataSource;

  const forget = (migration: MigrationInterface) =>
    withTestConnection(database.settings, (sql) =>
      sql(`DELETE FROM migrations_${schema.service} WHERE name = ?`, [
        migration.name ?? migration.constructor.name,
      ]),
    );

  beforeAll(async () => {
    database = await createTestDatabase([]);
    dataSource = await new DataSource(
      mysqlDataSourceOptions(database.settings, schema),
    ).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  migrations.forEach((migration, index) => {
    it(`${migration.name}: a run killed after its first schema statement, then run again, completes, and so does a run again after its row is deleted`, async () => {
      before[index] = await schemaSnapshot(database.settings);
      await runKilledAfter(dataSource, migration, 'up', 1);
      await migrateThrough(database.settings, schema, index + 1);
      const applied = await schemaSnapshot(database.settings);

      await forget(migration);
      await migrateThrough(database.settings, schema, index + 1);
      expect(await schemaSnapshot(database.settings)).toEqual(applied);
    });
  });

  it('ends with the schema a clean run leaves', async () => {
    const clean = await createTestDatabase([schema]);
    try {
      expect(await schemaSnapshot(database.settings)).toEqual(await schemaSnapshot(clean.settings));
    } finally {
      await clean.drop();
    }
  });

  [...migrations.entries()].reverse().forEach(([index, migration]) => {
    it(`${migration.name}: its down killed after its first schema statement, then run twice, leaves the schema as before its up`, async () => {
      await runKilledAfter(dataSource, migration, 'down', 1);
      await runStep(dataSource, migration, 'down');
      await runStep(dataSource, migration, 'down');
      await forget(migration);
      expect(await schemaSnapshot(database.settings)).toEqual(before[index]);
    });
  });
}
