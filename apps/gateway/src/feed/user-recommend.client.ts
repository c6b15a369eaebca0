import { RECO_PARAMS_METADATA, RECO_PARAMS_OMIT, type userReco } from '@app/contracts';
import { GRPC_LOADER_OPTIONS, protoFile } from '@app/grpc';
import { SNOWFLAKE_ID } from '@app/snowflake';
import { Metadata, type MethodDefinition, type ServiceError, status } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Injectable } from '@nestjs/common';

import { RecommendChannel } from '../recommend/recommend.channel';
import { FeedMetrics, type RecommendFailure } from './feed.metrics';
import { decodeTrackIds, type TrackIds } from './track.decoder';

/** The feed must answer fast; past this the latest articles are served instead. */
export const FEED_RECOMMEND_DEADLINE_MS = 200;
/** Batch size the reference asks for. */
export const FEED_ARTICLE_NUM = 10;
/** The most the recommend service draws in one call. */
export const RECOMMEND_MAX_ARTICLE_NUM = 100;

export interface RecommendBatch {
  ids: string[];
  /** The recommend service's `time_stamp`: the client's next cursor. */
  timeStamp: number;
  exposure: string;
}

export type RecommendResult =
  { ok: true; batch: RecommendBatch } | { ok: false; reason: RecommendFailure };

/**
 * `UserRecommend.user_recommend` of the original `user_reco.proto` on the gateway's recommend
 * channel, decoding only what the feed reads of the answer (track.decoder). Never throws:
 * failures come back as a reason.
 */
@Injectable()
export class UserRecommendClient {
  /** Its path and request encoding; answers are read by decodeTrackIds. */
  private readonly method: Pick<
    MethodDefinition<userReco.User, unknown>,
    'path' | 'requestSerialize'
  >;

  constructor(
    private readonly channel: RecommendChannel,
    private readonly metrics: FeedMetrics,
  ) {
    const definition = loadSync(protoFile('user_reco.proto'), GRPC_LOADER_OPTIONS);
    const service = definition.UserRecommend as Record<
      string,
      MethodDefinition<userReco.User, userReco.Track>
    >;
    this.method = service.user_recommend;
  }

  /** `deadline` (epoch ms): the feed's deadline from the first of calls that share it. */
  recommend(
    userId: string,
    channelId: number,
    timestamp: number,
    articleNum = FEED_ARTICLE_NUM,
    deadline = Date.now() + FEED_RECOMMEND_DEADLINE_MS,
  ): Promise<RecommendResult> {
    const request: userReco.User = {
      userId,
      channelId,
      articleNum,
      timeStamp: String(timestamp),
    };
    const metadata = new Metadata();
    // The feed never hands the per-article tracking strings on.
    metadata.set(RECO_PARAMS_METADATA, RECO_PARAMS_OMIT);
    return new Promise((resolve) => {
      this.channel.client.makeUnaryRequest(
        this.method.path,
        this.method.requestSerialize,
        decodeTrackIds,
        request,
        metadata,
        { deadline },
        (error, response) => {
          const result: RecommendResult =
            error || !response
              ? { ok: false, reason: failureOf(error) }
              : { ok: true, batch: batchOf(response) };
          this.metrics.recommendCalled(result.ok ? 'ok' : result.reason);
          resolve(result);
        },
      );
    });
  }
}

function failureOf(error: ServiceError | null): RecommendFailure {
  if (error?.code === status.DEADLINE_EXCEEDED) return 'timeout';
  if (error?.code === status.UNAVAILABLE) return 'unavailable';
  return 'error';
}

function batchOf(track: TrackIds): RecommendBatch {
  return {
    ids: track.articleIds.filter((id) => SNOWFLAKE_ID.test(id)),
    timeStamp: Number(track.timeStamp),
    exposure: track.exposure,
  };
}
