import { APP_CONFIG } from '@app/config';
import { type articleV1 } from '@app/contracts';
import { ARTICLE_GRPC, InjectGrpcClient, unary } from '@app/grpc';
import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

import { CandidateIndex } from '../candidates/candidate-index';
import { CandidateSnapshot } from '../candidates/candidate-snapshot';
import type { RecommendConfig } from '../config/recommend.config';
import { DEFAULT_ARTICLE_NUM, MAX_ARTICLE_NUM } from '../feed/user-recommend.service';
import { RelatedIndex } from './related.util';
import { TitleTokenizer } from './title-tokenizer';

const ANSWERS_KEPT = 10_000;

interface Subject {
  channelId?: number;
  tokens: readonly string[];
}

/**
 * `article_recommend`: same-channel articles sharing title words with the given one, among the
 * channel's newest RECO_RANK_WINDOW candidates (related articles should be recent anyway). The
 * given article may be of any age: one older than its channel's pool (opened from search, a
 * collection or an author's page) is read from news. Answers, and each channel's index of title
 * words, are kept until the candidate pools in the snapshot change.
 */
@Injectable()
export class ArticleRecommendService {
  private readonly answers = new LRUCache<string, string[]>({ max: ANSWERS_KEPT });
  private readonly indexes = new Map<number, RelatedIndex>();
  private answersGeneration = -1;

  constructor(
    @Inject(APP_CONFIG)
    private readonly config: Pick<RecommendConfig, 'RECO_RANK_WINDOW'>,
    private readonly snapshot: CandidateSnapshot,
    private readonly candidates: CandidateIndex,
    @InjectGrpcClient(ARTICLE_GRPC) private readonly articles: articleV1.ArticleServiceClient,
    private readonly tokenizer: TitleTokenizer,
  ) {}

  async similar(articleId: string, articleNum: number): Promise<string[]> {
    const count = articleNum > 0 ? Math.min(articleNum, MAX_ARTICLE_NUM) : DEFAULT_ARTICLE_NUM;
    if (this.answersGeneration !== this.snapshot.poolsGeneration) {
      this.answers.clear();
      this.indexes.clear();
      this.answersGeneration = this.snapshot.poolsGeneration;
    }
    const key = `${articleId}:${count}`;
    let answer = this.answers.get(key);
    if (!answer) {
      const { channelId, tokens } = await this.subject(articleId);
      answer =
        channelId === undefined ? [] : this.indexOf(channelId).related(articleId, tokens, count);
      this.answers.set(key, answer);
    }
    return [...answer];
  }

  private indexOf(channelId: number): RelatedIndex {
    let index = this.indexes.get(channelId);
    if (!index) {
      index = new RelatedIndex(this.snapshot.pool(channelId).slice(0, this.config.RECO_RANK_WINDOW));
      this.indexes.set(channelId, index);
    }
    return index;
  }

  /**
   * The article's channel and title words: from Redis when it is a candidate the snapshot does not
   * hold yet, from news when it is no candidate (older than its channel's pool, or not approved:
   * news answers cards of approved articles only, and then there is no channel).
   */
  private async subject(articleId: string): Promise<Subject> {
    const candidate = this.snapshot.article(articleId);
    if (candidate?.channelId !== undefined) return candidate;
    const [[channelId], [tokens]] = await Promise.all([
      this.candidates.channelsOf([articleId]),
      this.candidates.tokensOf([articleId]),
    ]);
    if (channelId !== undefined) return { channelId, tokens: tokens ?? [] };
    const { articles } = await unary(this.articles.getArticleCards({ articleIds: [articleId] }));
    const card = articles.find((article) => article.artId === articleId);
    return card ? { channelId: card.chId, tokens: this.tokenizer.tokens(card.title) } : { tokens: [] };
  }
}
