import { CacheKeys, closeRedisClient, createRedisClient, invalidateCached } from '@app/cache';
import { loadConfig } from '@app/config';
import type Redis from 'ioredis';
import type { MigrationInterface, QueryRunner } from 'typeorm';

import { sanitizeStoredArticles } from '../../authoring/sanitize-stored-articles';
import { newsEnvSchema } from '../../config/news.config';

/**
 * Article HTML was stored as the author sent it, and the mobile app shows it in the reader's page
 * as it is: an author's script ran in every reader's browser. The authoring service sanitises what
 * it stores now; this rewrites the articles stored before (`sanitizeStoredArticles`: only those
 * that change, 200 read per statement, each written on its own), so nothing is sanitised on the
 * read path. The cached details of rewritten articles (`art:{id}:detail`, in the cache Redis and
 * every replica's memory) are dropped before and after each batch's writes, where they would have
 * served the old HTML for up to 70 minutes: a cache Redis that cannot be reached fails the run
 * before the batch is written, so the run again rewrites it and drops its pages. The cache Redis
 * is opened only when an article changes. A rewritten article's search entry is indexed again
 * (its job committed into the outbox with the rewrite, relayed by a running news): it held the
 * words of what was dropped, a <textarea>'s or an <iframe>'s, by which the article was found.
 *
 * An article an older news release stores while it still serves is stored as sent: run this again
 * once no such release serves (delete its row from `migrations_news`). Nothing to undo.
 */
export class SanitizeNewsArticleContent1764450000000 implements MigrationInterface {
  name = 'SanitizeNewsArticleContent1764450000000';
  /** Each article commits on its own: an interrupted run leaves valid rows and is run again. */
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    let cache: Redis | undefined;
    try {
      await sanitizeStoredArticles(queryRunner.connection, async (articleIds) => {
        cache ??= openCacheRedis();
        await invalidateCached(cache, articleIds.map(CacheKeys.articleDetail));
      });
    } finally {
      if (cache) await closeRedisClient(cache);
    }
  }

  down(): Promise<void> {
    return Promise.resolve();
  }
}

function openCacheRedis(): Redis {
  const config = loadConfig(newsEnvSchema);
  return createRedisClient(config.REDIS_CACHE_URL, config.REDIS_KEY_PREFIX);
}
