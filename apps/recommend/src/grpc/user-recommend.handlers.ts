import {
  type sendUnaryData,
  type ServerUnaryCall,
  status,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { RECO_PARAMS_METADATA, RECO_PARAMS_OMIT } from '@app/contracts';
import { Injectable, Logger } from '@nestjs/common';

import { UserRecommendService } from '../feed/user-recommend.service';
import { ArticleRecommendService } from '../related/article-recommend.service';
import { answerUnary } from './answer-unary';
import { articleProblem, userProblem } from './request-checks';
import type { ArticleWire, SimilarWire, TrackWire, UserWire } from './user-reco.wire';

/** `user_recommend` and `article_recommend` of the original contract, over the services. */
@Injectable()
export class UserRecommendHandlers {
  private readonly logger = new Logger(UserRecommendHandlers.name);

  constructor(
    private readonly feed: UserRecommendService,
    private readonly related: ArticleRecommendService,
  ) {}

  implementation(): UntypedServiceImplementation {
    return {
      user_recommend: (
        call: ServerUnaryCall<UserWire, TrackWire>,
        callback: sendUnaryData<TrackWire>,
      ) => {
        const problem = userProblem(call.request);
        if (problem !== undefined) {
          callback({ code: status.INVALID_ARGUMENT, details: problem });
          return;
        }
        const withParams = !call.metadata.get(RECO_PARAMS_METADATA).includes(RECO_PARAMS_OMIT);
        void answerUnary(this.logger, 'user_recommend', callback, () =>
          this.userRecommend(call.request, withParams),
        );
      },
      article_recommend: (
        call: ServerUnaryCall<ArticleWire, SimilarWire>,
        callback: sendUnaryData<SimilarWire>,
      ) => {
        const problem = articleProblem(call.request);
        if (problem !== undefined) {
          callback({ code: status.INVALID_ARGUMENT, details: problem });
          return;
        }
        void answerUnary(this.logger, 'article_recommend', callback, () =>
          this.articleRecommend(call.request),
        );
      },
    };
  }

  async userRecommend(request: UserWire, withParams = true): Promise<TrackWire> {
    const result = await this.feed.recommend({
      userId: request.user_id,
      channelId: request.channel_id,
      articleNum: request.article_num,
      timeStamp: Number(request.time_stamp) || 0,
      withParams,
    });
    return {
      exposure: result.exposure,
      recommends: result.recommends.map(({ articleId, params }) => ({
        article_id: articleId,
        params,
      })),
      time_stamp: String(result.timeStamp),
    };
  }

  async articleRecommend(request: ArticleWire): Promise<SimilarWire> {
    return { article_id: await this.related.similar(request.article_id, request.article_num) };
  }
}
