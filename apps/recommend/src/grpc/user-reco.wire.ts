import { protoFile } from '@app/grpc';
import {
  loadPackageDefinition,
  type ServiceClientConstructor,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import { type Options, loadSync } from '@grpc/proto-loader';

/**
 * The original contract is loaded with its own field names (`user_id`, `time_stamp`, …), as the
 * Python backend and recommend centre use them; int64 values travel as decimal strings.
 */
export const USER_RECO_LOADER_OPTIONS: Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

/** `User` as it arrives. */
export interface UserWire {
  user_id: string;
  channel_id: number;
  article_num: number;
  time_stamp: string;
}

/** `Article` as it arrives. */
export interface ArticleWire {
  article_id: string;
  article_num: number;
}

export interface TrackWire {
  exposure: string;
  recommends: Array<{
    article_id: string;
    params?: { click: string; collect: string; share: string; read: string };
  }>;
  time_stamp: string;
}

export interface SimilarWire {
  article_id: string[];
}

/** The `UserRecommend` service definition of proto/user_reco.proto. */
export function userRecommendDefinition(): ServiceDefinition {
  const definition = loadPackageDefinition(
    loadSync(protoFile('user_reco.proto'), USER_RECO_LOADER_OPTIONS),
  );
  return (definition.UserRecommend as ServiceClientConstructor).service;
}
