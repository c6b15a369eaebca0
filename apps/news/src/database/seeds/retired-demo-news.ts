import {
  CacheKeys,
  CounterKeys,
  dropSortedSets,
  execReplies,
  invalidateCached,
  StateKeys,
} from '@app/cache';
import { jobId, JobName } from '@app/queue';
import type Redis from 'ioredis';
import type { EntityManager } from 'typeorm';

import { type OutboxJob, writeOutboxJobs } from '../../outbox/job-outbox';
import type { ArticleIndexer } from '../../search/article-indexer';
import { DEMO_AUTHOR_ID, DEMO_CHANNELS } from './demo-news';

const idsFrom = (first: bigint, count: number): string[] =>
  Array.from({ length: count }, (_, n) => (first + BigInt(n)).toString());

/**
 * The demo news data loaded before the current one (three articles a channel without covers,
 * by the demo author, and three comments by 小明 on each of the first ten): a development
 * database loaded then still holds it, beside the current demo articles.
 */
export const RETIRED_DEMO_ARTICLE_IDS = idsFrom(1300000000000000001n, 75);
export const RETIRED_DEMO_COMMENT_IDS = idsFrom(1310000000000000001n, 30);
export const RETIRED_DEMO_COMMENTER_ID = '1294287382374383617';

/**
 * The job that takes a removed article out of the recommend service's candidate pools; `removal`
 * tells removals apart (an older checkout's seed can bring the rows back), as an article change's
 * version does.
 */
function leavePoolsJob(articleId: string, removal: number): OutboxJob {
  return {
    name: JobName.RefreshCandidate,
    payload: { articleId },
    jobId: jobId(JobName.RefreshCandidate, articleId, 'demo-retired', removal),
  };
}

/**
 * Drops the cached copies of retired demo articles (`articleIds`) and of their comments, in
 * Redis and in the running services' memory: before their rows go, so that the candidates job
 * of a removal does not read a cached card of the article, and after, for any copy filled
 * meanwhile.
 */
export async function dropCachedRetiredDemoNews(
  cache: Redis,
  articleIds: readonly string[],
): Promise<void> {
  if (articleIds.length === 0) return;
  await invalidateCached(cache, [
    ...articleIds.flatMap((id) => [
      CacheKeys.articleInfo(id),
      CacheKeys.articleDetail(id),
      CacheKeys.articleRelated(id),
    ]),
    ...RETIRED_DEMO_COMMENT_IDS.map((id) => CacheKeys.comment(id)),
  ]);
  await dropSortedSets(cache, [
    ...articleIds.map((id) => CacheKeys.articleComments(id)),
    ...RETIRED_DEMO_COMMENT_IDS.map((id) => CacheKeys.commentReplies(id)),
  ]);
}

/**
 * Deletes the retired demo rows still there, in `manager`'s transaction: those articles of the
 * demo author (with their content and statistics) and those comments of 小明 on them. Rows
 * anyone else wrote stay. Each removed article gets the job that takes it out of the candidate
 * pools, committed with the removal. Answers the ids it removed, and every retired article id
 * no longer in the table (`gone`: also those an earlier load removed).
 */
export async function removeRetiredDemoNews(
  manager: EntityManager,
  cache: Redis,
): Promise<{ removed: string[]; gone: string[] }> {
  const removed = (
    await manager.query<Array<{ article_id: string }>>(
      'SELECT article_id FROM news_article_basic WHERE article_id IN (?) AND user_id = ? FOR UPDATE',
      [RETIRED_DEMO_ARTICLE_IDS, DEMO_AUTHOR_ID],
    )
  ).map((row) => String(row.article_id));
  if (removed.length > 0) {
    await dropCachedRetiredDemoNews(cache, removed);
    await manager.query(
      'DELETE FROM news_comment WHERE comment_id IN (?) AND user_id = ? AND article_id IN (?)',
      [RETIRED_DEMO_COMMENT_IDS, RETIRED_DEMO_COMMENTER_ID, removed],
    );
    for (const table of ['news_article_content', 'news_article_statistic', 'news_article_basic'])
      await manager.query(`DELETE FROM ${table} WHERE article_id IN (?)`, [removed]);
    const removal = Date.now();
    await writeOutboxJobs(
      manager,
      removed.map((id) => leavePoolsJob(id, removal)),
    );
  }
  const kept = new Set(
    (
      await manager.query<Array<{ article_id: string }>>(
        'SELECT article_id FROM news_article_basic WHERE article_id IN (?)',
        [RETIRED_DEMO_ARTICLE_IDS],
      )
    ).map((row) => String(row.article_id)),
  );
  return { removed, gone: RETIRED_DEMO_ARTICLE_IDS.filter((id) => !kept.has(id)) };
}

/**
 * What the app keeps elsewhere about retired demo articles that are gone (`articleIds`): the
 * search entries (through the indexer, as the index-article job removes an article's entry),
 * the per-article counters no table rebuilds, reading statistics and pins. The counters rebuilt
 * from the tables lose them with the rows. Each step changes nothing when done already.
 */
export async function forgetRetiredDemoNews(
  articleIds: readonly string[],
  stores: { state: Redis; indexer: Pick<ArticleIndexer, 'indexArticle'> },
): Promise<void> {
  if (articleIds.length === 0) return;
  for (const id of articleIds) await stores.indexer.indexArticle(id);
  const state = stores.state.multi();
  for (const key of [CounterKeys.articleReads, CounterKeys.articleRecoExposures])
    state.zrem(key, ...articleIds);
  for (const channelId of [0, ...DEMO_CHANNELS.map((channel) => channel.id)])
    state.zrem(StateKeys.channelTopArticles(channelId), ...articleIds);
  state.del(...articleIds.map((id) => StateKeys.articleReadingStats(id)));
  await execReplies(state);
}
