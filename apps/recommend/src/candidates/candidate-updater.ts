import { type articleV1 } from '@app/contracts';
import { ARTICLE_GRPC, InjectGrpcClient, unary } from '@app/grpc';
import { Injectable } from '@nestjs/common';

import { TitleTokenizer } from '../related/title-tokenizer';
import { CandidatesNotReadyError } from '../feed/user-recommend.service';
import { type CandidateArticle, CandidateIndex } from './candidate-index';
import { CandidateSnapshot } from './candidate-snapshot';

/**
 * One article's place in the pools, brought in line with the article as news has it now (the
 * worker's `refresh-candidate` job, enqueued when an article is approved, edited, banned or
 * deleted): approved articles join their channel's pool and channel 0's, any other leaves them.
 * A refresh that changes nothing leaves the version alone, so the replicas do not reload.
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
    // News answers cards of approved articles only.
    const { articles } = await unary(this.articles.getArticleCards({ articleIds: [articleId] }));
    const card = articles.find((article) => article.artId === articleId);
    if (!card) {
      const [storedChannel] = await this.index.channelsOf([articleId]);
      if (storedChannel !== undefined || this.snapshot.article(articleId))
        await this.snapshot.remove(articleId);
      return false;
    }
    const article: CandidateArticle = {
      id: card.artId,
      channelId: card.chId,
      createdMs: Date.parse(card.pubdate),
      tokens: this.tokenizer.tokens(card.title),
    };
    if (!(await this.isStored(article))) await this.snapshot.add(article);
    return true;
  }

  private async isStored(article: CandidateArticle): Promise<boolean> {
    const known = this.snapshot.article(article.id);
    if (!known || known.channelId !== article.channelId || known.createdMs !== article.createdMs)
      return false;
    if (known.tokens.join(' ') !== article.tokens.join(' ')) return false;
    const [storedChannel] = await this.index.channelsOf([article.id]);
    return storedChannel === article.channelId;
  }
}
