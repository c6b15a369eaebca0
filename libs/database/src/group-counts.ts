import type { DataSource } from 'typeorm';

import { keysetPages } from './keyset-pages';

/** One aggregate `SELECT <id>, COUNT(*) … GROUP BY <id>`; every part is trusted SQL, never input. */
export interface GroupCountQuery {
  /** Tables and joins. */
  from: string;
  /** The unsigned bigint or int column the rows are counted by (qualified when joined). */
  groupBy: string;
  /** Which rows count. */
  where: string;
}

/**
 * The counts by id, in id order, a page at a time (keyset on the grouped column, so a page is
 * an index range and memory stays bounded however many ids there are). Ids stay strings end to
 * end: a snowflake id does not fit a double.
 */
export async function* groupCounts(
  dataSource: Pick<DataSource, 'query'>,
  query: GroupCountQuery,
  pageSize = 10_000,
): AsyncGenerator<Array<[id: string, count: number]>> {
  const sql =
    `SELECT ${query.groupBy} AS id, COUNT(*) AS count FROM ${query.from} ` +
    `WHERE (${query.where}) AND ${query.groupBy} > CAST(? AS UNSIGNED) ` +
    `GROUP BY ${query.groupBy} ORDER BY ${query.groupBy} LIMIT ${pageSize}`;
  const pages = keysetPages(
    (after): Promise<Array<{ id: string | number; count: string | number }>> =>
      dataSource.query(sql, [after]),
    (row) => row.id,
    pageSize,
  );
  for await (const rows of pages) yield rows.map((row) => [String(row.id), Number(row.count)]);
}
