import {
  announcementV1,
  articleV1,
  authoringV1,
  authV1,
  candidateV1,
  channelV1,
  commentModerationV1,
  commentV1,
  counterRepairV1,
  followerStatisticsV1,
  materialV1,
  reactionV1,
  relationV1,
  searchV1,
  userV1,
} from '@app/contracts';

import { protoFile } from './proto-path';

/** Where an internal gRPC service is defined: package, service name and proto file. */
export interface GrpcServiceDefinition {
  packageName: string;
  serviceName: string;
  protoPath: string;
  /** The setting that holds the address of the app serving it. */
  urlSetting: 'USER_GRPC_URL' | 'NEWS_GRPC_URL' | 'RECOMMEND_GRPC_URL';
}

/** Fully qualified name, as grpc.health.v1 and reflection know the service. */
export function qualifiedServiceName(service: GrpcServiceDefinition): string {
  return `${service.packageName}.${service.serviceName}`;
}

export const USER_GRPC: GrpcServiceDefinition = {
  packageName: userV1.TOUTIAO_USER_V1_PACKAGE_NAME,
  serviceName: userV1.USER_SERVICE_NAME,
  protoPath: protoFile('toutiao/user/v1/user_service.proto'),
  urlSetting: 'USER_GRPC_URL',
};

export const AUTH_GRPC: GrpcServiceDefinition = {
  packageName: authV1.TOUTIAO_USER_V1_PACKAGE_NAME,
  serviceName: authV1.AUTH_SERVICE_NAME,
  protoPath: protoFile('toutiao/user/v1/auth_service.proto'),
  urlSetting: 'USER_GRPC_URL',
};

export const RELATION_GRPC: GrpcServiceDefinition = {
  packageName: relationV1.TOUTIAO_USER_V1_PACKAGE_NAME,
  serviceName: relationV1.RELATION_SERVICE_NAME,
  protoPath: protoFile('toutiao/user/v1/relation_service.proto'),
  urlSetting: 'USER_GRPC_URL',
};

export const MATERIAL_GRPC: GrpcServiceDefinition = {
  packageName: materialV1.TOUTIAO_USER_V1_PACKAGE_NAME,
  serviceName: materialV1.MATERIAL_SERVICE_NAME,
  protoPath: protoFile('toutiao/user/v1/material_service.proto'),
  urlSetting: 'USER_GRPC_URL',
};

export const FOLLOWER_STATISTICS_GRPC: GrpcServiceDefinition = {
  packageName: followerStatisticsV1.TOUTIAO_USER_V1_PACKAGE_NAME,
  serviceName: followerStatisticsV1.FOLLOWER_STATISTICS_SERVICE_NAME,
  protoPath: protoFile('toutiao/user/v1/follower_statistics_service.proto'),
  urlSetting: 'USER_GRPC_URL',
};

/** The user app's counters (follows); news serves the same service for its own. */
export const USER_COUNTER_REPAIR_GRPC: GrpcServiceDefinition = {
  packageName: counterRepairV1.TOUTIAO_COUNTERS_V1_PACKAGE_NAME,
  serviceName: counterRepairV1.COUNTER_REPAIR_SERVICE_NAME,
  protoPath: protoFile('toutiao/counters/v1/counter_repair_service.proto'),
  urlSetting: 'USER_GRPC_URL',
};

export const CHANNEL_GRPC: GrpcServiceDefinition = {
  packageName: channelV1.TOUTIAO_NEWS_V1_PACKAGE_NAME,
  serviceName: channelV1.CHANNEL_SERVICE_NAME,
  protoPath: protoFile('toutiao/news/v1/channel_service.proto'),
  urlSetting: 'NEWS_GRPC_URL',
};

export const ARTICLE_GRPC: GrpcServiceDefinition = {
  packageName: articleV1.TOUTIAO_NEWS_V1_PACKAGE_NAME,
  serviceName: articleV1.ARTICLE_SERVICE_NAME,
  protoPath: protoFile('toutiao/news/v1/article_service.proto'),
  urlSetting: 'NEWS_GRPC_URL',
};

export const REACTION_GRPC: GrpcServiceDefinition = {
  packageName: reactionV1.TOUTIAO_NEWS_V1_PACKAGE_NAME,
  serviceName: reactionV1.REACTION_SERVICE_NAME,
  protoPath: protoFile('toutiao/news/v1/reaction_service.proto'),
  urlSetting: 'NEWS_GRPC_URL',
};

export const SEARCH_GRPC: GrpcServiceDefinition = {
  packageName: searchV1.TOUTIAO_NEWS_V1_PACKAGE_NAME,
  serviceName: searchV1.SEARCH_SERVICE_NAME,
  protoPath: protoFile('toutiao/news/v1/search_service.proto'),
  urlSetting: 'NEWS_GRPC_URL',
};

export const ANNOUNCEMENT_GRPC: GrpcServiceDefinition = {
  packageName: announcementV1.TOUTIAO_NEWS_V1_PACKAGE_NAME,
  serviceName: announcementV1.ANNOUNCEMENT_SERVICE_NAME,
  protoPath: protoFile('toutiao/news/v1/announcement_service.proto'),
  urlSetting: 'NEWS_GRPC_URL',
};

export const COMMENT_GRPC: GrpcServiceDefinition = {
  packageName: commentV1.TOUTIAO_NEWS_V1_PACKAGE_NAME,
  serviceName: commentV1.COMMENT_SERVICE_NAME,
  protoPath: protoFile('toutiao/news/v1/comment_service.proto'),
  urlSetting: 'NEWS_GRPC_URL',
};

export const AUTHORING_GRPC: GrpcServiceDefinition = {
  packageName: authoringV1.TOUTIAO_NEWS_V1_PACKAGE_NAME,
  serviceName: authoringV1.AUTHORING_SERVICE_NAME,
  protoPath: protoFile('toutiao/news/v1/authoring_service.proto'),
  urlSetting: 'NEWS_GRPC_URL',
};

export const COMMENT_MODERATION_GRPC: GrpcServiceDefinition = {
  packageName: commentModerationV1.TOUTIAO_NEWS_V1_PACKAGE_NAME,
  serviceName: commentModerationV1.COMMENT_MODERATION_SERVICE_NAME,
  protoPath: protoFile('toutiao/news/v1/comment_moderation_service.proto'),
  urlSetting: 'NEWS_GRPC_URL',
};

/** The news app's counters (articles, comments, collections, likes). */
export const NEWS_COUNTER_REPAIR_GRPC: GrpcServiceDefinition = {
  ...USER_COUNTER_REPAIR_GRPC,
  urlSetting: 'NEWS_GRPC_URL',
};

export const CANDIDATE_GRPC: GrpcServiceDefinition = {
  packageName: candidateV1.TOUTIAO_RECOMMEND_V1_PACKAGE_NAME,
  serviceName: candidateV1.CANDIDATE_SERVICE_NAME,
  protoPath: protoFile('toutiao/recommend/v1/candidate_service.proto'),
  urlSetting: 'RECOMMEND_GRPC_URL',
};

/** Everything the user app serves. */
export const USER_APP_SERVICES = [
  USER_GRPC,
  AUTH_GRPC,
  RELATION_GRPC,
  MATERIAL_GRPC,
  FOLLOWER_STATISTICS_GRPC,
  USER_COUNTER_REPAIR_GRPC,
] as const;

/** Everything the news app serves. */
export const NEWS_APP_SERVICES = [
  CHANNEL_GRPC,
  ARTICLE_GRPC,
  REACTION_GRPC,
  SEARCH_GRPC,
  ANNOUNCEMENT_GRPC,
  COMMENT_GRPC,
  AUTHORING_GRPC,
  COMMENT_MODERATION_GRPC,
  NEWS_COUNTER_REPAIR_GRPC,
] as const;
