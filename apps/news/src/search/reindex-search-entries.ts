import type { DataSource } from 'typeorm';

import { ArticleIndexer } from './article-indexer';
import { ArticleSearchRepository } from './article-search.repository';
import { MysqlSearchService } from './mysql-search.service';
import { SearchKeywordsRepository } from './search-keywords.repository';
import { SearchTokenizer } from './search-tokenizer';

const BATCH = 500;

/**
 * Writes every entry of the `mysql` driver (news_article_search) again from its article, with
 * the current terms; entries of articles no longer approved are removed. Each article goes
 * through the indexer (its own short transaction, the article row locked), so it runs beside
 * live traffic and may be stopped and run again. `tokensMatching` (a MariaDB regular expression)
 * limits it to the entries whose terms match. Answers how many entries were looked at.
 */
export async function reindexSearchEntries(
  dataSource: DataSource,
  tokensMatching?: string,
): Promise<number> {
  // Built on the first entry: an empty table (a new database) does not load jieba's dictionary.
  let indexer: ArticleIndexer | undefined;
  let done = 0;
  let after = '0';
  for (;;) {
    const rows: { article_id: string }[] = await dataSource.query(
      `SELECT article_id FROM news_article_search WHERE article_id > ?${tokensMatching === undefined ? '' : ' AND tokens REGEXP ?'} ORDER BY article_id LIMIT ?`,
      tokensMatching === undefined ? [after, BATCH] : [after, tokensMatching, BATCH],
    );
    if (rows.length === 0) return done;
    const ids = rows.map((row) => String(row.article_id));
    indexer ??= mysqlIndexer(dataSource);
    // One at a time, so live traffic keeps the rest of the pool.
    for (const id of ids) await indexer.indexArticle(id);
    done += ids.length;
    after = ids[ids.length - 1];
  }
}

function mysqlIndexer(dataSource: DataSource): ArticleIndexer {
  return new ArticleIndexer(
    dataSource,
    new MysqlSearchService(
      new ArticleSearchRepository(dataSource),
      new SearchTokenizer(),
      new SearchKeywordsRepository(dataSource),
    ),
  );
}
