import { CacheKeys, SingleFlight, TwoLevelCache } from '@app/cache';
import { APP_CONFIG } from '@app/config';
import type { articleV1 } from '@app/contracts';
import {
  ARTICLE_GRPC,
  GRPC_MAX_MESSAGE_BYTES,
  InjectGrpcClient,
  isRefusedReply,
  unaryBefore,
} from '@app/grpc';
import { SNOWFLAKE_ID } from '@app/snowflake';
import { Inject, Injectable } from '@nestjs/common';

import type { GatewayConfig } from '../config/gateway.config';
import { gatheredMisses, PartlyFetched } from './gathered-misses';

/**
 * The articles of parts of one batch, asked for separately: a part that failed fails its own ids
 * only (PartlyFetched), the others are answered.
 */
function joinedParts(
  parts: string[][],
  answers: PromiseSettledResult<articleV1.ArticleDetail[]>[],
): articleV1.ArticleDetail[] {
  const found: articleV1.ArticleDetail[] = [];
  const failed = new Map<string, Error>();
  answers.forEach((answer, index) => {
    if (answer.status === 'fulfilled') found.push(...answer.value);
    else if (answer.reason instanceof PartlyFetched) {
      const partly = answer.reason as PartlyFetched<articleV1.ArticleDetail>;
      found.push(...partly.found);
      for (const [id, error] of partly.failed) failed.set(id, error);
    } else for (const id of parts[index]) failed.set(id, answer.reason as Error);
  });
  if (failed.size > 0) throw new PartlyFetched(found, failed);
  return found;
}

/** ArticleService.GetArticles answers at most this many ids. */
const MAX_DETAILS_PER_CALL = 100;

/**
 * `art:{id}:detail` from the two-level cache, answered by the gateway itself on a hit (L1 or one
 * MGET). The misses of requests served together go to ArticleService.GetArticles in one call,
 * which loads them with one query and fills the cache; concurrent misses of one article in this
 * process share that call. Articles of up to about 1 MiB each, a few of them together may be more
 * than one reply holds: news answers what fits one and names the ids it left out, which are asked
 * for again; an older news answers the whole batch, and a reply refused as too large is asked for
 * again in halves, until each part fits (an article fits a reply alone). All within the first
 * call's deadline; a part that still fails fails its own readers only.
 */
@Injectable()
export class ArticleDetailReader {
  private readonly loading = new SingleFlight<articleV1.ArticleDetail | null>();
  private readonly misses = gatheredMisses(
    (articleIds) => this.fetch(articleIds),
    (article) => article.artId,
    MAX_DETAILS_PER_CALL,
  );

  private readonly deadlineMs: number;

  constructor(
    private readonly cache: TwoLevelCache,
    @InjectGrpcClient(ARTICLE_GRPC) private readonly articles: articleV1.ArticleServiceClient,
    @Inject(APP_CONFIG) config: Pick<GatewayConfig, 'GRPC_DEADLINE_MS'>,
  ) {
    this.deadlineMs = config.GRPC_DEADLINE_MS;
  }

  /**
   * `deadline` (epoch ms): the first call's, which the later calls of a batch share (for the ids
   * a reply left out, or the parts of a refused one).
   */
  private async fetch(articleIds: string[], deadline?: number): Promise<articleV1.ArticleDetail[]> {
    const askedAt = Date.now();
    let reply: articleV1.GetArticlesResponse;
    try {
      const getArticles = this.articles.getArticles.bind(this.articles);
      reply = await unaryBefore(deadline, getArticles, {
        articleIds,
        maxReplyBytes: GRPC_MAX_MESSAGE_BYTES,
      });
    } catch (error) {
      // A news release that predates max_reply_bytes answers the whole batch.
      if (articleIds.length < 2 || !isRefusedReply(error)) throw error;
      const partsDeadline = deadline ?? askedAt + this.deadlineMs;
      const half = Math.ceil(articleIds.length / 2);
      const halves = [articleIds.slice(0, half), articleIds.slice(half)];
      return joinedParts(
        halves,
        await Promise.allSettled(halves.map((part) => this.fetch(part, partsDeadline))),
      );
    }
    const asked = new Set(articleIds);
    const leftOut = [...new Set(reply.leftOutArticleIds)].filter((id) => asked.has(id));
    if (leftOut.length === 0) return reply.articles;
    if (leftOut.length === articleIds.length)
      throw new Error('news left out every article asked for');
    const rest = await Promise.allSettled([
      this.fetch(leftOut, deadline ?? askedAt + this.deadlineMs),
    ]);
    return joinedParts([[], leftOut], [{ status: 'fulfilled', value: reply.articles }, ...rest]);
  }

  /** The approved article's detail, or null when there is none. */
  async read(articleId: string): Promise<articleV1.ArticleDetail | null> {
    if (!SNOWFLAKE_ID.test(articleId)) return null;
    const cached = await this.cache.peek<articleV1.ArticleDetail>(
      CacheKeys.articleDetail(articleId),
    );
    if (cached !== undefined) return cached;
    return this.loading.run(articleId, () => this.misses.load(articleId));
  }

  /** The detail if this process holds it (null: there is no such approved article), without a round trip. */
  peekLocal(articleId: string): articleV1.ArticleDetail | null | undefined {
    if (!SNOWFLAKE_ID.test(articleId)) return undefined;
    return this.cache.peekLocal<articleV1.ArticleDetail>(CacheKeys.articleDetail(articleId));
  }
}
