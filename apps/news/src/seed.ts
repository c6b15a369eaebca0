import { CacheKeys, CounterKeys, createRedisClient } from '@app/cache';
import { loadConfig, runMain } from '@app/config';
import { mysqlDataSourceOptions } from '@app/database';
import { DataSource } from 'typeorm';

import { newsEnvSchema } from './config/news.config';
import { DEMO_AUTHOR_ID, DEMO_CHANNELS, DEMO_READER_ID, demoArticles, demoComments } from './database/seeds/demo-news';
import { NEWS_SCHEMA } from './database/news-schema';
import { DEMO_ANNOUNCEMENTS } from './database/seeds/demo-announcements';
import { createArticleIndexer } from './search/article-indexer.factory';

/** Loads demo channels, approved articles (indexed for search), comments and announcements, and sets their counters (idempotent). */
runMain(async () => {
  const config = loadConfig(newsEnvSchema);
  if (config.NODE_ENV === 'production') throw new Error('refusing to load demo data in production');
  const dataSource = await new DataSource({ ...mysqlDataSourceOptions(config, NEWS_SCHEMA), migrationsRun: false }).initialize();
  const articles = demoArticles();
  const comments = demoComments(articles);
  try {
    await dataSource.transaction(async (manager) => {
      for (const channel of DEMO_CHANNELS) {
        await manager.query(
          'INSERT IGNORE INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (?, ?, ?, 1, ?)',
          [channel.id, channel.name, channel.sequence, channel.isDefault],
        );
      }
      for (const article of articles) {
        await manager.query(
          `INSERT IGNORE INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, create_time, update_time)
           VALUES (?, ?, ?, ?, ?, 2, ?, ?)`,
          [article.id, DEMO_AUTHOR_ID, article.channelId, article.title, JSON.stringify({ type: 0, images: [] }), article.createdAt, article.createdAt],
        );
        await manager.query('INSERT IGNORE INTO news_article_content (article_id, content) VALUES (?, ?)', [article.id, article.content]);
        await manager.query('INSERT IGNORE INTO news_article_statistic (article_id) VALUES (?)', [article.id]);
      }
      for (const comment of comments) {
        await manager.query(
          'INSERT IGNORE INTO news_comment (comment_id, user_id, article_id, parent_id, content, status) VALUES (?, ?, ?, ?, ?, 1)',
          [comment.id, DEMO_READER_ID, comment.articleId, comment.parentId, comment.content],
        );
      }
    });
    for (const announcement of DEMO_ANNOUNCEMENTS) {
      await dataSource.query(
        'INSERT IGNORE INTO global_announcement (announcement_id, title, content, status, publish_time) VALUES (?, ?, ?, 1, ?)',
        [announcement.id, announcement.title, announcement.content, announcement.publishedAt],
      );
    }
    const cache = createRedisClient(config.REDIS_CACHE_URL, config.REDIS_KEY_PREFIX);
    try {
      await cache.del(CacheKeys.announcements(), ...DEMO_ANNOUNCEMENTS.map((announcement) => CacheKeys.announcement(announcement.id)));
    } finally {
      await cache.quit();
    }
    // Same code path as the worker's index-article job; re-indexing an article rewrites its entry.
    const indexer = createArticleIndexer(dataSource, config);
    for (const article of articles) await indexer.indexArticle(article.id);
    const state = createRedisClient(config.REDIS_STATE_URL, config.REDIS_KEY_PREFIX);
    try {
      const perArticle = new Map<string, number>();
      const perComment = new Map<string, number>();
      for (const comment of comments) {
        perArticle.set(comment.articleId, (perArticle.get(comment.articleId) ?? 0) + 1);
        if (comment.parentId) perComment.set(comment.parentId, (perComment.get(comment.parentId) ?? 0) + 1);
      }
      const pipeline = state.pipeline().zadd(CounterKeys.userArticles, articles.length, DEMO_AUTHOR_ID);
      for (const [id, count] of perArticle) pipeline.zadd(CounterKeys.articleComments, count, id);
      for (const [id, count] of perComment) pipeline.zadd(CounterKeys.commentReplies, count, id);
      await pipeline.exec();
    } finally {
      await state.quit();
    }
    console.log(
      `news: ${DEMO_CHANNELS.length} channels, ${articles.length} articles (indexed for search), ${comments.length} comments, ${DEMO_ANNOUNCEMENTS.length} announcements present`,
    );
  } finally {
    await dataSource.destroy();
  }
});
