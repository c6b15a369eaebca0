/**
 * Rows a page at a time by keyset: `readAfter(after)` answers at most `pageSize` rows whose key
 * (`keyOf`) is above `after`, in key order, starting from '0'. Each page starts where the last one
 * ended, so with an index on the key each is one index range, and only one page is in memory at
 * a time however many rows there are. Keys stay strings: a snowflake id does not fit a double.
 */
export async function* keysetPages<Row>(
  readAfter: (after: string) => Promise<Row[]>,
  keyOf: (row: Row) => string | number,
  pageSize: number,
): AsyncGenerator<Row[]> {
  let after = '0';
  for (;;) {
    const rows = await readAfter(after);
    if (rows.length > 0) yield rows;
    if (rows.length < pageSize) return;
    after = String(keyOf(rows[rows.length - 1]));
  }
}
