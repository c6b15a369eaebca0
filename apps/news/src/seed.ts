import { createRedisClient } from '@app/cache';
import { loadConfig, runMain } from '@app/config';
import { mysqlDataSourceOptions } from '@app/database';
import { createStorageDriver, storageOptionsFromEnv } from '@app/storage';
import { DataSource } from 'typeorm';

import { type NewsConfig, newsEnvSchema } from './config/news.config';
import { NEWS_SCHEMA } from './database/news-schema';
import { type DemoNewsSummary, loadDemoNews } from './database/seeds/load-demo-news';
import { createArticleIndexer } from './search/article-indexer.factory';

/** Loads the demo news data into the configured stores (idempotent; see loadDemoNews). */
export async function seedDemoNews(config: NewsConfig): Promise<DemoNewsSummary> {
  if (config.NODE_ENV === 'production') throw new Error('refusing to load demo data in production');
  const dataSource = await new DataSource({
    ...mysqlDataSourceOptions(config, NEWS_SCHEMA),
    migrationsRun: false,
  }).initialize();
  const state = createRedisClient(config.REDIS_STATE_URL, config.REDIS_KEY_PREFIX);
  const cache = createRedisClient(config.REDIS_CACHE_URL, config.REDIS_KEY_PREFIX);
  try {
    return await loadDemoNews({
      dataSource,
      state,
      cache,
      storage: createStorageDriver(storageOptionsFromEnv(config)),
      publicUrl: config.STORAGE_PUBLIC_URL,
      maxImageBytes: config.STORAGE_MAX_IMAGE_BYTES,
      indexer: createArticleIndexer(dataSource, config),
    });
  } finally {
    await Promise.all([state.quit(), cache.quit()]);
    await dataSource.destroy();
  }
}

if (require.main === module) {
  runMain(async () => {
    const loaded = await seedDemoNews(loadConfig(newsEnvSchema));
    console.log(
      `news: ${loaded.channels} channels, ${loaded.articles} approved articles (indexed for search, ${loaded.images} cover images), ` +
        `${loaded.comments} comments and replies, ${loaded.likes} likes, ${loaded.collections} collections, ` +
        `${loaded.commentLikes} comment likes, ${loaded.announcements} announcements present; counters rebuilt`,
    );
    if (loaded.retiredArticles > 0)
      console.log(
        `news: ${loaded.retiredArticles} articles of the earlier demo data removed, with their comments`,
      );
  });
}
