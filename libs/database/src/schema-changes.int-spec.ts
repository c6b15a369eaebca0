import { createTestDatabase, type TestDatabase, withTestConnection } from '@app/testing';
import { DataSource, type QueryRunner } from 'typeorm';

import { mysqlDataSourceOptions } from './data-source-options';
import {
  addColumn,
  addIndex,
  alterTable,
  createTable,
  dropColumn,
  dropIndex,
  modifyColumn,
} from './schema-changes';

const SCHEMA = { service: 'schema_changes', entities: [], migrations: [] };
const SHELF = `CREATE TABLE shelf (
  shelf_id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  owner_id BIGINT UNSIGNED NOT NULL,
  label VARCHAR(32) NOT NULL,
  PRIMARY KEY (shelf_id),
  KEY idx_shelf_owner (owner_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`;

describe('schema changes run again (real MariaDB)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let runner: QueryRunner;
  /** The schema statements run, as the server received them. */
  let statements: string[];

  const sql = (query: string) => withTestConnection(database.settings, (run) => run(query));
  const tables = async () =>
    (
      (await sql(
        'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME',
      )) as { name: string }[]
    ).map((row) => row.name);
  const showCreate = async () =>
    ((await sql('SHOW CREATE TABLE shelf')) as { 'Create Table': string }[])[0]['Create Table'];

  beforeAll(async () => {
    database = await createTestDatabase([]);
    dataSource = await new DataSource(
      mysqlDataSourceOptions(database.settings, SCHEMA),
    ).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  beforeEach(async () => {
    await sql('DROP TABLE IF EXISTS shelf');
    await sql(SHELF);
    await sql("INSERT INTO shelf (owner_id, label) VALUES (1, 'a'), (2, 'b')");
    statements = [];
    const real = dataSource.createQueryRunner();
    runner = new Proxy(real, {
      get(target, property, receiver) {
        if (property !== 'query') return Reflect.get(target, property, receiver) as unknown;
        return (query: string, parameters?: unknown[]) => {
          if (/^\s*(CREATE|ALTER|DROP)\s/i.test(query)) statements.push(query);
          return target.query(query, parameters);
        };
      },
    });
  });

  afterEach(() => runner.release());

  it('leaves a table that exists in the form it creates, rows and all, and no probe behind', async () => {
    const before = await showCreate();
    await createTable(runner, SHELF);
    expect(await showCreate()).toBe(before);
    expect(await sql('SELECT COUNT(*) AS n FROM shelf')).toEqual([{ n: '2' }]);
    expect(await tables()).toEqual(['shelf']);
    expect(statements.filter((query) => query.includes('CREATE TABLE shelf '))).toEqual([]);
  });

  it('refuses a table that exists in another form, naming it, and leaves it and no probe', async () => {
    const before = await showCreate();
    await expect(createTable(runner, SHELF.replace('VARCHAR(32)', 'VARCHAR(64)'))).rejects.toThrow(
      /Table shelf exists, but not in the form this migration creates[\s\S]*`label` varchar\(64\)/,
    );
    expect(await showCreate()).toBe(before);
    expect(await tables()).toEqual(['shelf']);
  });

  it('adds an index once, and runs no ALTER when every change is applied', async () => {
    const change = addIndex('idx_shelf_owner_label', ['owner_id', 'label']);
    await alterTable(runner, 'shelf', [change], { online: true });
    const added = await showCreate();
    await alterTable(runner, 'shelf', [change], { online: true });
    expect(await showCreate()).toBe(added);
    expect(added).toContain('KEY `idx_shelf_owner_label` (`owner_id`,`label`)');
    expect(statements).toEqual([
      'ALTER TABLE shelf ADD KEY idx_shelf_owner_label (owner_id, label), ALGORITHM=INPLACE, LOCK=NONE',
    ]);
  });

  it('refuses an index of that name on other columns or of another kind, naming both forms', async () => {
    await expect(
      alterTable(runner, 'shelf', [addIndex('idx_shelf_owner', ['owner_id', 'label'])]),
    ).rejects.toThrow(
      'Index idx_shelf_owner of shelf exists as an index on (owner_id), where this migration adds an index on (owner_id, label)',
    );
    await expect(
      alterTable(runner, 'shelf', [addIndex('idx_shelf_owner', ['owner_id'], 'unique')]),
    ).rejects.toThrow(
      'exists as an index on (owner_id), where this migration adds a unique index on (owner_id)',
    );
    expect(statements).toEqual([]);
  });

  it('adds a column once, in its place, and refuses one of that name in another form or place', async () => {
    const note = addColumn('note', "VARCHAR(20) NULL COMMENT 'free text'", 'owner_id');
    await alterTable(runner, 'shelf', [note]);
    await alterTable(runner, 'shelf', [note]);
    expect(statements.filter((query) => query.startsWith('ALTER'))).toEqual([
      "ALTER TABLE shelf ADD COLUMN note VARCHAR(20) NULL COMMENT 'free text' AFTER owner_id",
    ]);

    await expect(
      alterTable(runner, 'shelf', [addColumn('note', 'VARCHAR(30) NULL', 'owner_id')]),
    ).rejects.toThrow(
      /Column shelf.note exists as `note` varchar\(20\) DEFAULT NULL COMMENT 'free text', where this migration adds `note` varchar\(30\) DEFAULT NULL after owner_id/,
    );
    await expect(
      alterTable(runner, 'shelf', [
        addColumn('note', "VARCHAR(20) NULL COMMENT 'free text'", 'label'),
      ]),
    ).rejects.toThrow(/exists as .* after owner_id, where this migration adds .* after label/);
    expect(await tables()).toEqual(['shelf']);
  });

  it('redefines an index or a column under its own name once, dropping it and adding it in one statement', async () => {
    const redefined = [
      dropIndex('idx_shelf_owner'),
      addIndex('idx_shelf_owner', ['owner_id', 'label']),
      dropColumn('label'),
      addColumn('label', 'VARCHAR(64) NULL', 'owner_id'),
    ];
    await alterTable(runner, 'shelf', redefined);
    const once = await showCreate();
    await alterTable(runner, 'shelf', redefined);
    expect(await showCreate()).toBe(once);
    expect(once).toContain('KEY `idx_shelf_owner` (`owner_id`,`label`)');
    expect(once).toContain('`label` varchar(64) DEFAULT NULL');
    expect(statements.filter((query) => query.startsWith('ALTER'))).toEqual([
      'ALTER TABLE shelf DROP KEY idx_shelf_owner, ADD KEY idx_shelf_owner (owner_id, label), DROP COLUMN label, ADD COLUMN label VARCHAR(64) NULL AFTER owner_id',
    ]);
  });

  it('applies in one statement only the changes not yet applied, and drops what is there only', async () => {
    await sql('ALTER TABLE shelf ADD KEY idx_shelf_label (label)');
    await alterTable(runner, 'shelf', [
      modifyColumn('label', 'VARCHAR(40) NOT NULL'),
      addIndex('idx_shelf_label', ['label']),
      addIndex('idx_shelf_label_owner', ['label', 'owner_id']),
    ]);
    await alterTable(runner, 'shelf', [
      dropIndex('idx_shelf_owner'),
      dropColumn('gone'),
      dropIndex('idx_shelf_gone'),
    ]);
    expect(statements).toEqual([
      'ALTER TABLE shelf MODIFY COLUMN label VARCHAR(40) NOT NULL, ADD KEY idx_shelf_label_owner (label, owner_id)',
      'ALTER TABLE shelf DROP KEY idx_shelf_owner',
    ]);
  });
});
