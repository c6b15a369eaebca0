import { type articleV1 } from '@app/contracts';
import { ARTICLE_GRPC, InjectGrpcClient, unary } from '@app/grpc';
import { Injectable } from '@nestjs/common';

import { TitleTokenizer } from '../related/title-tokenizer';
import { CandidatesNotReadyError } from '../feed/user-recommend.service';
import {
  type CandidateArticle,
  CandidateIndex,
  type Reading,
  ReadingSupersededError,
} from './candidate-index';
import { CandidateSnapshot } from './candidate-snapshot';

/** Readings of one refresh while rebuilds keep beginning after them; then the job fails and retries. */
const READINGS_PER_REFRESH = 3;

/**
 * One article's place in the pools, brought in line with the article as news has it now (the
 * worker's `refresh-candidate` job, enqueued when an article is approved, edited, banned or
 * deleted): approved articles join their channel's pool and channel 0's, any other leaves them.
 * A refresh that changes nothing leaves the version alone, so the replicas do not reload. Two
 * refreshes of one article at once (two worker replicas, a late retry) are ordered by when they
 * began reading news: the earlier one's write does not land over the later one's. Nor over a
 * rebuild that began reading later: the refresh reads the article again.
 */
@Injectable()
export class CandidateUpdater {
  constructor(
    @InjectGrpcClient(ARTICLE_GRPC) private readonly articles: articleV1.ArticleServiceClient,
    private readonly index: CandidateIndex,
    private readonly snapshot: CandidateSnapshot,
    private readonly tokenizer: TitleTokenizer,
  ) {}

  /**
   * True when the article is a candidate now. Before the pools were ever built it fails with
   * CandidatesNotReadyError (the job retries; the first build reads the article anyway).
   */
  async refresh(articleId: string): Promise<boolean> {
    if (!(await this.snapshot.ready())) throw new CandidatesNotReadyError();
    for (let attempt = 1; ; attempt += 1) {
      const reading = await this.index.startReading();
      try {
        return await this.refreshAs(articleId, reading);
      } catch (error) {
        // A rebuild began reading after this job did: read the article again, after it.
        if (!(error instanceof ReadingSupersededError) || attempt >= READINGS_PER_REFRESH)
          throw error;
      } finally {
        await this.index.endReading(reading).catch(() => undefined);
      }
    }
  }

  private async refreshAs(articleId: string, reading: Reading): Promise<boolean> {
    // News answers cards of approved articles only.
    const { articles } = await unary(this.articles.getArticleCards({ articleIds: [articleId] }));
    const card = articles.find((article) => article.artId === articleId);
    if (!card)
      return (await this.snapshot.remove(articleId, reading)) ? false : this.isCandidate(articleId);
    const article: CandidateArticle = {
      id: card.artId,
      channelId: card.chId,
      createdMs: Date.parse(card.pubdate),
      tokens: this.tokenizer.tokens(card.title),
    };
    return (await this.snapshot.add(article, reading)) ? true : this.isCandidate(articleId);
  }

  /** Whether the article is in the pools as a refresh that began later left it. */
  private async isCandidate(articleId: string): Promise<boolean> {
    const [storedChannel] = await this.index.channelsOf([articleId]);
    return storedChannel !== undefined;
  }
}
