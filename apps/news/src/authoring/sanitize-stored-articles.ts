import { randomUUID } from 'node:crypto';

import { writeBetweenDrops } from '@app/cache';
import type { DataSource } from 'typeorm';

import { articleIndexJob } from '../outbox/article-jobs';
import { writeOutboxJobs } from '../outbox/job-outbox';
import { sanitizeArticleHtml } from './article-html.rules';

/** Articles read per statement. */
const BATCH = 200;

/**
 * Sanitises the stored HTML of every article (`news_article_content`) as the authoring service
 * sanitises what it stores, `BATCH` articles at a time in id order. Only an article whose HTML
 * changes is written, each on its own and only while its HTML is still, byte for byte, what was
 * read (an edit meanwhile stored sanitised HTML already), so it runs beside live traffic, may be
 * stopped, and a second run writes nothing. A rewritten article's search entry is indexed again from the new HTML
 * (an index job committed with the rewrite into the outbox): it held the words of what was dropped
 * (a <textarea>'s, an <iframe>'s, a script's the entry's own text filter missed), by which the
 * article was still found. The writes of a batch run between two drops of its cached pages
 * (`writeBetweenDrops`, `dropCached` handed the ids that change): before, so a cache that cannot
 * be reached stops the run with nothing of the batch written (rewritten, an article would be
 * clean for every later run, which then left its cached page to be served until it expired); and
 * after, also when a write failed, for a page filled meanwhile. Answers how many articles were
 * rewritten.
 */
export async function sanitizeStoredArticles(
  dataSource: DataSource,
  dropCached: (articleIds: string[]) => Promise<void>,
): Promise<number> {
  let rewritten = 0;
  let after = '0';
  for (;;) {
    const rows: Array<{ article_id: string; content: string }> = await dataSource.query(
      'SELECT article_id, content FROM news_article_content WHERE article_id > CAST(? AS UNSIGNED) ORDER BY article_id LIMIT ?',
      [after, BATCH],
    );
    if (rows.length === 0) return rewritten;
    after = String(rows[rows.length - 1].article_id);
    const changes = rows
      .map((row) => ({ ...row, sanitised: sanitizeArticleHtml(row.content) }))
      .filter((row) => row.sanitised !== row.content);
    if (changes.length === 0) continue;
    const changed = changes.map((row) => String(row.article_id));
    await writeBetweenDrops(
      () => dropCached(changed),
      async () => {
        for (const row of changes)
          if (await rewrite(dataSource, String(row.article_id), row)) rewritten += 1;
      },
      // A migration fails on it, to be seen, where a request logs it.
      (error) => {
        throw error;
      },
    );
  }
}

/**
 * Stores the sanitised HTML, and the job that indexes it, unless an edit stored other HTML
 * meanwhile; answers whether it stored it.
 */
async function rewrite(
  dataSource: DataSource,
  articleId: string,
  row: { content: string; sanitised: string },
): Promise<boolean> {
  return dataSource.transaction(async (manager) => {
    // BINARY: the collation ignores case and control characters, so an edit that changed only
    // those compares equal to the HTML read.
    const result: { affectedRows: number } = await manager.query(
      'UPDATE news_article_content SET content = ? WHERE article_id = ? AND BINARY content = ?',
      [row.sanitised, articleId, row.content],
    );
    if (result.affectedRows !== 1) return false;
    await writeOutboxJobs(manager, [articleIndexJob(articleId, 'edit', randomUUID())]);
    return true;
  });
}
