import type { QueryRunner } from 'typeorm';

/**
 * Schema statements a migration can run again after a run that applied only some of them: MySQL
 * and MariaDB commit each DDL statement on its own, so a run killed half way (a lost connection,
 * a lock wait timeout, a killed pod) leaves its first statements applied and the migration not
 * recorded, and its next run meets what the first one made. What already exists in the form the
 * statement makes is left as it is; what exists in another form stops the run, naming it. Checks
 * read `information_schema` and `SHOW CREATE TABLE`, the same on MySQL 8 and MariaDB, which is
 * why there is no `IF NOT EXISTS` here: MySQL 8 has none for columns and indexes. Names are the
 * migrations' own, never input.
 */

/** One clause of an `ALTER TABLE`, and whether the table already is as it makes it. */
export interface SchemaChange {
  clause: string;
  /** The index or column `clause` drops or adds (`KEY name`, `COLUMN name`). */
  drops?: string;
  adds?: string;
  /**
   * True when the table already is as `clause` makes it; throws when it is so in another form,
   * unless `replacing` (an earlier clause drops that form): then false.
   */
  isApplied(runner: QueryRunner, table: string, replacing?: boolean): Promise<boolean>;
}

export type IndexKind = 'index' | 'unique' | 'fulltext';

const MAX_NAME_LENGTH = 64;
const PROBE_SUFFIX = '__migration_probe';

/**
 * Runs `statement`, a `CREATE TABLE name ...`; a table of that name in the form it creates is left
 * as it is.
 */
export async function createTable(runner: QueryRunner, statement: string): Promise<void> {
  const [, table, definition] = /^\s*CREATE TABLE (\w+) ([\s\S]+)$/i.exec(statement) ?? [];
  if (table === undefined) throw new Error(`Not a CREATE TABLE statement: ${statement}`);
  if (!(await tableExists(runner, table))) {
    await runner.query(statement);
    return;
  }
  const existing = await createStatement(runner, table);
  const wanted = await withProbeTable(runner, table, definition, (probe) =>
    createStatement(runner, probe),
  );
  if (normalized(existing, table) !== normalized(wanted, probeName(table)))
    throw new Error(
      `Table ${table} exists, but not in the form this migration creates: alter it by hand (or drop it if it holds nothing) and run the migrations again.\nIt is:\n${existing}\nThe migration creates:\n${wanted.replace(probeName(table), table)}`,
    );
}

/**
 * `ALTER TABLE table <changes>` with only the changes not yet applied, in one statement; none
 * when all are. An index or column dropped and added again under its name is done, drop and
 * all, once it is there in the added form. `online` keeps the table readable and writable
 * meanwhile, or fails rather than locking it (`ALGORITHM=INPLACE, LOCK=NONE`).
 */
export async function alterTable(
  runner: QueryRunner,
  table: string,
  changes: readonly SchemaChange[],
  options: { online?: boolean } = {},
): Promise<void> {
  const applied: boolean[] = [];
  for (const [index, change] of changes.entries()) {
    const dropped = changes.findIndex(
      (earlier, at) => at < index && earlier.drops !== undefined && earlier.drops === change.adds,
    );
    applied[index] = await change.isApplied(runner, table, dropped !== -1);
    if (dropped !== -1 && applied[index]) applied[dropped] = true;
  }
  const pending = changes.filter((_, index) => !applied[index]).map((change) => change.clause);
  if (pending.length === 0) return;
  if (options.online) pending.push('ALGORITHM=INPLACE', 'LOCK=NONE');
  await runner.query(`ALTER TABLE ${table} ${pending.join(', ')}`);
}

/** `ADD KEY name (columns)`, or `UNIQUE KEY`/`FULLTEXT KEY`; an index of that name on other columns, or of another kind, is an error. */
export function addIndex(
  name: string,
  columns: readonly string[],
  kind: IndexKind = 'index',
): SchemaChange {
  const keyword = { index: 'KEY', unique: 'UNIQUE KEY', fulltext: 'FULLTEXT KEY' }[kind];
  return {
    clause: `ADD ${keyword} ${name} (${columns.join(', ')})`,
    adds: `KEY ${name}`,
    async isApplied(runner, table, replacing) {
      const found = await indexForm(runner, table, name);
      if (found === undefined) return false;
      const wanted: IndexForm = { kind, columns: columns.join(', ') };
      if (found.kind !== wanted.kind || found.columns !== wanted.columns) {
        if (replacing === true) return false;
        throw new Error(
          `Index ${name} of ${table} exists as ${describeIndex(found)}, where this migration adds ${describeIndex(wanted)}: drop it by hand and run the migrations again.`,
        );
      }
      return true;
    },
  };
}

export function dropIndex(name: string): SchemaChange {
  return {
    clause: `DROP KEY ${name}`,
    drops: `KEY ${name}`,
    isApplied: async (runner, table) => (await indexForm(runner, table, name)) === undefined,
  };
}

/**
 * `ADD COLUMN name definition [AFTER after]`; a column of that name whose type, default,
 * nullability, collation or comment differ from `definition`'s, or in another place, is an error.
 */
export function addColumn(name: string, definition: string, after?: string): SchemaChange {
  return {
    clause: `ADD COLUMN ${name} ${definition}${after === undefined ? '' : ` AFTER ${after}`}`,
    adds: `COLUMN ${name}`,
    async isApplied(runner, table, replacing) {
      const columns = await columnNames(runner, table);
      const position = columns.indexOf(name);
      if (position === -1) return false;
      const existing = columnLine(await createStatement(runner, table), name);
      const options = await tableOptions(runner, table);
      const wanted = await withProbeTable(
        runner,
        table,
        `(${name} ${definition}) ${options}`,
        (probe) => createStatement(runner, probe).then((statement) => columnLine(statement, name)),
      );
      const placed = after === undefined || columns[position - 1] === after;
      if (existing !== wanted || !placed) {
        if (replacing === true) return false;
        throw new Error(
          `Column ${table}.${name} exists as ${existing}${placed ? '' : ` after ${columns[position - 1] ?? 'nothing'}`}, where this migration adds ${wanted}${after === undefined ? '' : ` after ${after}`}: alter it by hand and run the migrations again.`,
        );
      }
      return true;
    },
  };
}

export function dropColumn(name: string): SchemaChange {
  return {
    clause: `DROP COLUMN ${name}`,
    drops: `COLUMN ${name}`,
    isApplied: async (runner, table) => !(await columnNames(runner, table)).includes(name),
  };
}

/** `MODIFY COLUMN name definition`: run again on a column already so, it changes nothing. */
export function modifyColumn(name: string, definition: string): SchemaChange {
  return { clause: `MODIFY COLUMN ${name} ${definition}`, isApplied: () => Promise.resolve(false) };
}

interface IndexForm {
  kind: IndexKind;
  columns: string;
}

function describeIndex({ kind, columns }: IndexForm): string {
  return `${kind === 'index' ? 'an index' : `a ${kind} index`} on (${columns})`;
}

async function indexForm(
  runner: QueryRunner,
  table: string,
  name: string,
): Promise<IndexForm | undefined> {
  const parts = (await runner.query(
    `SELECT COLUMN_NAME AS columnName, SUB_PART AS subPart, NON_UNIQUE AS nonUnique, INDEX_TYPE AS indexType
     FROM information_schema.STATISTICS
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME = ? ORDER BY SEQ_IN_INDEX`,
    [table, name],
  )) as {
    columnName: string;
    subPart: number | string | null;
    nonUnique: number | string;
    indexType: string;
  }[];
  if (parts.length === 0) return undefined;
  const kind: IndexKind =
    parts[0].indexType === 'FULLTEXT'
      ? 'fulltext'
      : Number(parts[0].nonUnique) === 0
        ? 'unique'
        : 'index';
  const columns = parts
    .map(({ columnName, subPart }) => (subPart === null ? columnName : `${columnName}(${subPart})`))
    .join(', ');
  return { kind, columns };
}

async function tableExists(runner: QueryRunner, table: string): Promise<boolean> {
  const rows = (await runner.query(
    'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
    [table],
  )) as unknown[];
  return rows.length > 0;
}

async function columnNames(runner: QueryRunner, table: string): Promise<string[]> {
  const rows = (await runner.query(
    `SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [table],
  )) as { name: string }[];
  if (rows.length === 0) throw new Error(`Table ${table} does not exist`);
  return rows.map((row) => row.name);
}

/** The engine and collation of `table`, for a probe whose columns take their defaults from them. */
async function tableOptions(runner: QueryRunner, table: string): Promise<string> {
  const [row] = (await runner.query(
    `SELECT ENGINE AS engine, TABLE_COLLATION AS collation FROM information_schema.TABLES
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?`,
    [table],
  )) as { engine: string; collation: string }[];
  return `ENGINE=${row.engine} COLLATE=${row.collation}`;
}

async function createStatement(runner: QueryRunner, table: string): Promise<string> {
  const [row] = (await runner.query(`SHOW CREATE TABLE \`${table}\``)) as {
    'Create Table': string;
  }[];
  return row['Create Table'];
}

function normalized(statement: string, table: string): string {
  return statement
    .replace(`CREATE TABLE \`${table}\``, 'CREATE TABLE')
    .replace(/ AUTO_INCREMENT=\d+/, '');
}

function columnLine(statement: string, column: string): string {
  const line = statement.split('\n').find((text) => text.trimStart().startsWith(`\`${column}\` `));
  if (line === undefined) throw new Error(`No column ${column} in: ${statement}`);
  return line.trim().replace(/,$/, '');
}

function probeName(table: string): string {
  const name = `${table}${PROBE_SUFFIX}`;
  if (name.length > MAX_NAME_LENGTH)
    throw new Error(`Table name too long to compare its form: ${table}`);
  return name;
}

/**
 * The server's own account of a definition: an empty table created from it, dropped after (and
 * before, if a killed run left it).
 */
async function withProbeTable<T>(
  runner: QueryRunner,
  table: string,
  definition: string,
  use: (probe: string) => Promise<T>,
): Promise<T> {
  const probe = probeName(table);
  await runner.query(`DROP TABLE IF EXISTS ${probe}`);
  await runner.query(`CREATE TABLE ${probe} ${definition}`);
  try {
    return await use(probe);
  } finally {
    await runner.query(`DROP TABLE IF EXISTS ${probe}`);
  }
}
