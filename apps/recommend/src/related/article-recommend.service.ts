import { APP_CONFIG } from '@app/config';
import { Inject, Injectable } from '@nestjs/common';

import { CandidateIndex } from '../candidates/candidate-index';
import type { RecommendConfig } from '../config/recommend.config';
import { DEFAULT_ARTICLE_NUM, MAX_ARTICLE_NUM } from '../feed/user-recommend.service';
import { rankRelated } from './related.util';

/**
 * `article_recommend`: same-channel articles sharing title words with the given one, among the
 * channel's newest RECO_RANK_WINDOW candidates (related articles should be recent anyway).
 */
@Injectable()
export class ArticleRecommendService {
  constructor(
    @Inject(APP_CONFIG)
    private readonly config: Pick<RecommendConfig, 'RECO_RANK_WINDOW'>,
    private readonly candidates: CandidateIndex,
  ) {}

  async similar(articleId: string, articleNum: number): Promise<string[]> {
    const count = articleNum > 0 ? Math.min(articleNum, MAX_ARTICLE_NUM) : DEFAULT_ARTICLE_NUM;
    const [[channelId], [tokens]] = await Promise.all([
      this.candidates.channelsOf([articleId]),
      this.candidates.tokensOf([articleId]),
    ]);
    if (channelId === undefined) return [];
    const pool = await this.candidates.pool(channelId, this.config.RECO_RANK_WINDOW);
    const poolTokens = await this.candidates.tokensOf(pool.map((entry) => entry.id));
    const candidates = pool.map((entry, index) => ({ ...entry, tokens: poolTokens[index] ?? [] }));
    return rankRelated(articleId, tokens ?? [], candidates, count);
  }
}
