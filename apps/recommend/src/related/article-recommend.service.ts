import { APP_CONFIG } from '@app/config';
import { type articleV1 } from '@app/contracts';
import { ARTICLE_GRPC, InjectGrpcClient, unary } from '@app/grpc';
import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

import { CandidateIndex } from '../candidates/candidate-index';
import { CandidateSnapshot } from '../candidates/candidate-snapshot';
import type { RecommendConfig } from '../config/recommend.config';
import {
  CandidatesNotReadyError,
  DEFAULT_ARTICLE_NUM,
  MAX_ARTICLE_NUM,
} from '../feed/user-recommend.service';
import { RelatedIndex } from './related.util';
import { TitleTokenizer } from './title-tokenizer';

const ANSWERS_KEPT = 10_000;
/**
 * How long the channel and title words of an article outside the pools are kept: as long as the
 * gateway keeps a related list it was answered, so an edit shows no later than through it.
 */
const SUBJECT_TTL_MS = 600_000;

interface Subject {
  channelId?: number;
  tokens: readonly string[];
}

/**
 * `article_recommend`: same-channel articles sharing title words with the given one, among the
 * channel's newest RECO_RANK_WINDOW candidates (related articles should be recent anyway). The
 * given article may be of any age: one older than its channel's pool (opened from search, a
 * collection or an author's page) is read from news. Answers, and each channel's index of title
 * words, are kept until the candidate pools in the snapshot change; what was read of an article
 * outside the pools, for ten minutes.
 */
@Injectable()
export class ArticleRecommendService {
  private readonly answers = new LRUCache<string, string[]>({ max: ANSWERS_KEPT });
  /**
   * Subjects read for articles outside the pools (pending reads included, so requests that come at
   * once read once). Unlike the answers they outlive a change of the pools: every approval, edit
   * or ban changes them, and each asked news again about every older article opened since.
   */
  private readonly subjects = new LRUCache<string, Promise<Subject>>({
    max: ANSWERS_KEPT,
    ttl: SUBJECT_TTL_MS,
  });
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

  /**
   * Rejects with CandidatesNotReadyError (UNAVAILABLE) while no pool was ever built: "none" then
   * is no answer, and the gateway keeps an answer for ten minutes.
   */
  async similar(articleId: string, articleNum: number): Promise<string[]> {
    if (!(await this.snapshot.ready())) throw new CandidatesNotReadyError();
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
      index = new RelatedIndex(
        this.snapshot.pool(channelId).slice(0, this.config.RECO_RANK_WINDOW),
      );
      this.indexes.set(channelId, index);
    }
    return index;
  }

  /**
   * The article's channel and title words: from Redis when it is a candidate the snapshot does not
   * hold yet, from news when it is no candidate (older than its channel's pool, or not approved:
   * news answers cards of approved articles only, and then there is no channel).
   */
  private subject(articleId: string): Promise<Subject> | Subject {
    const candidate = this.snapshot.article(articleId);
    if (candidate?.channelId !== undefined) return candidate;
    const kept = this.subjects.get(articleId);
    if (kept) return kept;
    const subject = this.readSubject(articleId);
    this.subjects.set(articleId, subject);
    const forget = () => {
      if (this.subjects.get(articleId) === subject) this.subjects.delete(articleId);
    };
    // A failed read is not kept, nor an article news has no card of (not approved yet, or gone):
    // the next request reads again.
    void subject.then((read) => read.channelId === undefined && forget(), forget);
    return subject;
  }

  private async readSubject(articleId: string): Promise<Subject> {
    const [[channelId], [tokens]] = await Promise.all([
      this.candidates.channelsOf([articleId]),
      this.candidates.tokensOf([articleId]),
    ]);
    if (channelId !== undefined) return { channelId, tokens: tokens ?? [] };
    const { articles } = await unary(this.articles.getArticleCards({ articleIds: [articleId] }));
    const card = articles.find((article) => article.artId === articleId);
    return card
      ? { channelId: card.chId, tokens: this.tokenizer.tokens(card.title) }
      : { tokens: [] };
  }
}
