import { CacheKeys, CounterStore, dropSortedSets, StateKeys } from '@app/cache';
import { groupCounts } from '@app/database';
import { jobId, JobName } from '@app/queue';
import { storeImage, type StorageDriver } from '@app/storage';
import type Redis from 'ioredis';
import type { DataSource, EntityManager } from 'typeorm';

import { ArticleStatus } from '../../articles/article.entity';
import { CommentStatus } from '../../comments/comment.entity';
import { recountFansComments } from '../../counter-repair/fans-comment-count.repair';
import { NEWS_COUNTER_QUERIES } from '../../counter-repair/news-counter-queries';
import { type OutboxJob, writeOutboxJobs } from '../../outbox/job-outbox';
import { ArticleAttitude } from '../../reactions/attitude-transition';
import type { ArticleIndexer } from '../../search/article-indexer';
import { DEMO_ANNOUNCEMENTS } from './demo-announcements';
import { DEMO_IMAGES_PER_CHANNEL, demoImage } from './demo-images';
import {
  DEMO_AUTHOR_ID,
  DEMO_CHANNELS,
  DEMO_CHANNELS_CREATED_AT,
  DEMO_READERS,
  demoArticles,
  demoComments,
  demoPins,
  demoReactions,
  type DemoReaction,
} from './demo-news';
import {
  dropCachedRetiredDemoNews,
  forgetRetiredDemoNews,
  removeRetiredDemoNews,
} from './retired-demo-news';

export interface DemoNewsTarget {
  dataSource: DataSource;
  /** Redis role `state` (counters, pins), with the key prefix. */
  state: Redis;
  /** Redis role `cache`, with the key prefix. */
  cache: Redis;
  /** Where uploaded images go (STORAGE_DRIVER); the covers are stored through it. */
  storage: StorageDriver;
  /** STORAGE_PUBLIC_URL: the prefix of every stored image's URL. */
  publicUrl: string;
  maxImageBytes: number;
  indexer: Pick<ArticleIndexer, 'indexArticle'>;
}

export interface DemoNewsSummary {
  channels: number;
  articles: number;
  images: number;
  comments: number;
  likes: number;
  collections: number;
  commentLikes: number;
  announcements: number;
  /** Articles of the earlier demo data this load removed. */
  retiredArticles: number;
}

const ROWS_PER_INSERT = 200;

/** `INSERT IGNORE` of `rows`, a few hundred a statement: rows already there stay as they are. */
async function insertIgnore(
  manager: EntityManager,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<readonly unknown[]>,
): Promise<void> {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const batch = rows.slice(start, start + ROWS_PER_INSERT);
    await manager.query(
      `INSERT IGNORE INTO ${table} (${columns.join(', ')}) VALUES ${batch.map(() => tuple).join(', ')}`,
      batch.flat(),
    );
  }
}

/** Stores each channel's pictures (same bytes, same key: storing again is a no-op) and answers their URLs. */
async function storeChannelImages(target: DemoNewsTarget): Promise<Map<number, string[]>> {
  const urls = new Map<number, string[]>();
  for (const channel of DEMO_CHANNELS) {
    const stored: string[] = [];
    for (let variant = 0; variant < DEMO_IMAGES_PER_CHANNEL; variant += 1) {
      const image = demoImage(channel.id, DEMO_CHANNELS.length, variant);
      stored.push(
        (await storeImage(target.storage, image, { maxBytes: target.maxImageBytes })).url,
      );
    }
    urls.set(channel.id, stored);
  }
  return urls;
}

/** The recommend pools' job for a demo article (one per article: the demo never changes it). */
export function candidateJob(articleId: string): OutboxJob {
  return {
    name: JobName.RefreshCandidate,
    payload: { articleId },
    jobId: jobId(JobName.RefreshCandidate, articleId, 'demo'),
  };
}

const countBy = (ids: ReadonlyArray<string | null>): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const id of ids) if (id !== null) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
};

const reactionRows = (reactions: readonly DemoReaction[], ...values: unknown[]): unknown[][] =>
  reactions.map((reaction) => [
    reaction.userId,
    reaction.targetId,
    ...values,
    reaction.createdAt,
    reaction.createdAt,
  ]);

/**
 * Loads the demo news data: channels, approved articles with pictures, comments and replies,
 * likes, collections, comment likes, pinned articles and announcements. Rows go in with fixed
 * ids and times and `INSERT IGNORE`, so loading again changes nothing and a database holding
 * part of it gets the rest. Then, as the app would after such writes: every demo article is
 * (re)indexed for search, the counters are rebuilt from the tables by the counter repair's own
 * queries, and the cached lists the rows change are dropped. Each article it adds also gets the
 * job an approval commits, which puts it in the recommend service's candidate pools. The
 * earlier demo data's articles and comments go (see removeRetiredDemoNews), so a database
 * loaded by it ends with the news data of a fresh load.
 */
export async function loadDemoNews(target: DemoNewsTarget): Promise<DemoNewsSummary> {
  const { dataSource } = target;
  const imageUrls = await storeChannelImages(target);
  const articles = demoArticles((channelId) => imageUrls.get(channelId) ?? [], target.publicUrl);
  const comments = demoComments(articles);
  const reactions = demoReactions(articles, comments);
  const replies = countBy(comments.map((comment) => comment.parentId));
  const commentLikes = countBy(reactions.commentLikes.map((like) => like.targetId));

  const retired = await dataSource.transaction(async (manager) => {
    const removal = await removeRetiredDemoNews(manager, target.cache);
    const present = new Set(
      (
        await manager.query<Array<{ article_id: string }>>(
          'SELECT article_id FROM news_article_basic WHERE article_id IN (?)',
          [articles.map((article) => article.id)],
        )
      ).map((row) => String(row.article_id)),
    );
    await insertIgnore(
      manager,
      'news_channel',
      [
        'channel_id',
        'channel_name',
        'sequence',
        'is_visible',
        'is_default',
        'create_time',
        'update_time',
      ],
      DEMO_CHANNELS.map((channel) => [
        channel.id,
        channel.name,
        channel.sequence,
        1,
        channel.isDefault,
        DEMO_CHANNELS_CREATED_AT,
        DEMO_CHANNELS_CREATED_AT,
      ]),
    );
    await insertIgnore(
      manager,
      'news_article_basic',
      [
        'article_id',
        'user_id',
        'channel_id',
        'title',
        'cover',
        'status',
        'review_time',
        'create_time',
        'update_time',
      ],
      articles.map((article) => [
        article.id,
        DEMO_AUTHOR_ID,
        article.channelId,
        article.title,
        JSON.stringify(article.cover),
        ArticleStatus.Approved,
        article.createdAt,
        article.createdAt,
        article.createdAt,
      ]),
    );
    // What an approval commits with the article: the job that puts it in the recommend pools
    // (relayed by the news service, run by the worker), for the articles this load adds.
    await writeOutboxJobs(
      manager,
      articles
        .filter((article) => !present.has(article.id))
        .map((article) => candidateJob(article.id)),
    );
    await insertIgnore(
      manager,
      'news_article_content',
      ['article_id', 'content'],
      articles.map((article) => [article.id, article.content]),
    );
    await insertIgnore(
      manager,
      'news_article_statistic',
      ['article_id'],
      articles.map((article) => [article.id]),
    );
    await insertIgnore(
      manager,
      'news_comment',
      [
        'comment_id',
        'user_id',
        'article_id',
        'parent_id',
        'content',
        'status',
        'by_fan',
        'reply_count',
        'like_count',
        'create_time',
        'update_time',
      ],
      comments.map((comment) => [
        comment.id,
        comment.userId,
        comment.articleId,
        comment.parentId,
        comment.content,
        CommentStatus.Approved,
        comment.byFan,
        replies.get(comment.id) ?? 0,
        commentLikes.get(comment.id) ?? 0,
        comment.createdAt,
        comment.createdAt,
      ]),
    );
    await insertIgnore(
      manager,
      'news_attitude',
      ['user_id', 'article_id', 'attitude', 'create_time', 'update_time'],
      reactionRows(reactions.likes, ArticleAttitude.Like),
    );
    await insertIgnore(
      manager,
      'news_collection',
      ['user_id', 'article_id', 'is_deleted', 'create_time', 'update_time'],
      reactionRows(reactions.collections, 0),
    );
    await insertIgnore(
      manager,
      'news_comment_liking',
      ['user_id', 'comment_id', 'is_deleted', 'create_time', 'update_time'],
      reactionRows(reactions.commentLikes, 0),
    );
    await insertIgnore(
      manager,
      'global_announcement',
      [
        'announcement_id',
        'title',
        'content',
        'status',
        'publish_time',
        'create_time',
        'update_time',
      ],
      DEMO_ANNOUNCEMENTS.map((announcement) => [
        announcement.id,
        announcement.title,
        announcement.content,
        1,
        announcement.publishedAt,
        announcement.publishedAt,
        announcement.publishedAt,
      ]),
    );
    return removal;
  });

  // Same code path as the worker's index-article job; re-indexing an article rewrites its entry.
  for (const article of articles) await target.indexer.indexArticle(article.id);
  await dropCachedRetiredDemoNews(target.cache, retired.removed);
  await forgetRetiredDemoNews(retired.gone, target);
  await rebuildNewsCounters(dataSource, target.state);

  const pins = target.state.pipeline();
  for (const { channelId, articleIds } of demoPins(articles)) {
    // Highest score first; NX leaves a pin that is already there as it is.
    articleIds.forEach((id, rank) =>
      pins.zadd(StateKeys.channelTopArticles(channelId), 'NX', articleIds.length - rank, id),
    );
  }
  await pins.exec();

  const userIds = [DEMO_AUTHOR_ID, ...DEMO_READERS.map((reader) => reader.id)];
  await dropSortedSets(target.cache, [
    CacheKeys.userArticles(DEMO_AUTHOR_ID),
    ...userIds.map((id) => CacheKeys.userCollections(id)),
    ...articles.map((article) => CacheKeys.articleComments(article.id)),
    ...comments.map((comment) => CacheKeys.commentReplies(comment.id)),
  ]);
  await target.cache.del(
    CacheKeys.announcements(),
    ...DEMO_ANNOUNCEMENTS.map((announcement) => CacheKeys.announcement(announcement.id)),
    ...userIds.flatMap((id) => [CacheKeys.userAttitudes(id), CacheKeys.userCommentLikings(id)]),
  );

  return {
    channels: DEMO_CHANNELS.length,
    articles: articles.length,
    images: [...imageUrls.values()].flat().length,
    comments: comments.length,
    likes: reactions.likes.length,
    collections: reactions.collections.length,
    commentLikes: reactions.commentLikes.length,
    announcements: DEMO_ANNOUNCEMENTS.length,
    retiredArticles: retired.removed.length,
  };
}

/**
 * Rebuilds the news service's counters from its tables, as the counter repair does (its queries,
 * its swap, its recount of `fans_comment_count`): the counts are what the rows say, whatever the
 * database held before.
 */
export async function rebuildNewsCounters(dataSource: DataSource, state: Redis): Promise<void> {
  const counters = new CounterStore(state);
  for (const { key, query } of NEWS_COUNTER_QUERIES)
    await counters.replace(key, groupCounts(dataSource, query));
  await recountFansComments(dataSource);
}
