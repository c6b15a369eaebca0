import type { DataSource } from 'typeorm';

import { holdsRefusedControl } from './search-text.util';

const KEYWORDS_PER_PAGE = 1000;

/**
 * Deletes the saved keywords the search refuses now, which were suggested to every reader typing
 * their start: as searched now none would have been saved, and one searched again is saved anew.
 */
export async function dropRefusedKeywords(
  dataSource: DataSource,
  pageSize = KEYWORDS_PER_PAGE,
): Promise<void> {
  let after: string | undefined;
  for (;;) {
    // The first page has no lower bound: the collation ignores most control characters, so a
    // keyword of those only compares equal to '' and `keyword > ''` would never read it.
    const rows: Array<{ keyword: string }> = await dataSource.query(
      after === undefined
        ? 'SELECT keyword FROM news_search_keyword ORDER BY keyword LIMIT ?'
        : 'SELECT keyword FROM news_search_keyword WHERE keyword > ? ORDER BY keyword LIMIT ?',
      after === undefined ? [pageSize] : [after, pageSize],
    );
    for (const { keyword } of rows.filter((row) => holdsRefusedControl(row.keyword)))
      await dataSource.query('DELETE FROM news_search_keyword WHERE BINARY keyword = ?', [keyword]);
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1].keyword;
  }
}
