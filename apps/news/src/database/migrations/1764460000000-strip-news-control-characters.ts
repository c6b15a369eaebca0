import { randomUUID } from 'node:crypto';

import { CacheKeys, closeRedisClient, createRedisClient, invalidateCached } from '@app/cache';
import { loadConfig } from '@app/config';
import { repairStoredTexts } from '@app/database';
import { withoutStrayControls } from '@app/grpc';
import type Redis from 'ioredis';
import type { MigrationInterface, QueryRunner } from 'typeorm';

import { sanitizeStoredArticles } from '../../authoring/sanitize-stored-articles';
import { newsEnvSchema } from '../../config/news.config';
import { articleIndexJob } from '../../outbox/article-jobs';
import { writeOutboxJobs } from '../../outbox/job-outbox';
import { dropRefusedKeywords } from '../../search/drop-refused-keywords';

/**
 * Article titles, comments and report remarks holding a control character other than tab and
 * line breaks are refused by the edges now, search keywords one other than tab, and article HTML
 * has them dropped as it is sanitised; those stored before kept theirs. The publish admin sends
 * back the whole article it loaded, so one whose title held one could not be saved again (400),
 * and the app was served them. This repairs them by the edges' rules (`withoutStrayControls`:
 * vertical tab, form feed and NEL become a space, the others go) and sanitises the stored HTML
 * again (`sanitizeStoredArticles`), writing only the rows that change, each on its own, and
 * leaving `update_time` as it was: no author changed a thing. The cached copies of what changes
 * (`art:{id}:info`, `:detail`, `:related`, `comm:{id}`) are dropped before and after each batch's
 * writes, so none serves the old text for the rest of its TTL; the cache Redis is opened only
 * when something changes. A repaired title's search entry is indexed again (its job committed
 * into the outbox with it). The saved keywords that hold one, which suggestions served, are
 * deleted from MySQL; the es driver's completions are left, which its suggestions leave out.
 *
 * A text an older gateway or media platform release takes while it still serves is stored as
 * sent: run this again once no such release serves (delete its row from `migrations_news`).
 * Nothing to undo: the characters dropped were never text.
 */
export class StripNewsControlCharacters1764460000000 implements MigrationInterface {
  name = 'StripNewsControlCharacters1764460000000';
  /** Each row commits on its own: an interrupted run leaves valid rows and is run again. */
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    let cache: Redis | undefined;
    const dropCached = async (keys: string[]) => {
      cache ??= openCacheRedis();
      await invalidateCached(cache, keys);
    };
    try {
      await repairStoredTexts(queryRunner.connection, {
        table: 'news_article_basic',
        key: 'article_id',
        column: 'title',
        repair: withoutStrayControls,
        dropCached: (ids) => dropCached(ids.flatMap(articleCacheKeys)),
        alongside: (manager, id) =>
          writeOutboxJobs(manager, [articleIndexJob(id, 'edit', randomUUID())]),
      });
      await sanitizeStoredArticles(queryRunner.connection, (ids) =>
        dropCached(ids.map(CacheKeys.articleDetail)),
      );
      await repairStoredTexts(queryRunner.connection, {
        table: 'news_comment',
        key: 'comment_id',
        column: 'content',
        repair: withoutStrayControls,
        dropCached: (ids) => dropCached(ids.map(CacheKeys.comment)),
      });
      // Read by the moderators only, and cached nowhere.
      await repairStoredTexts(queryRunner.connection, {
        table: 'news_report',
        key: 'report_id',
        column: 'remark',
        repair: withoutStrayControls,
      });
      await dropRefusedKeywords(queryRunner.connection);
    } finally {
      if (cache) await closeRedisClient(cache);
    }
  }

  down(): Promise<void> {
    // The control characters dropped are not kept anywhere, and were never text to restore.
    return Promise.resolve();
  }
}

function articleCacheKeys(articleId: string): string[] {
  return [
    CacheKeys.articleInfo(articleId),
    CacheKeys.articleDetail(articleId),
    // Its related articles were drawn from its title as it was.
    CacheKeys.articleRelated(articleId),
  ];
}

function openCacheRedis(): Redis {
  const config = loadConfig(newsEnvSchema);
  return createRedisClient(config.REDIS_CACHE_URL, config.REDIS_KEY_PREFIX);
}
