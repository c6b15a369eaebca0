import { newsV1, userV1 } from '@app/contracts';

import { protoFile } from './proto-path';

/** Where an internal gRPC service is defined: package, service name and proto file. */
export interface GrpcServiceDefinition {
  packageName: string;
  serviceName: string;
  protoPath: string;
  /** The setting that holds the service's address. */
  urlSetting: 'USER_GRPC_URL' | 'NEWS_GRPC_URL' | 'RECOMMEND_GRPC_URL';
}

export const USER_GRPC: GrpcServiceDefinition = {
  packageName: userV1.TOUTIAO_USER_V1_PACKAGE_NAME,
  serviceName: userV1.USER_SERVICE_NAME,
  protoPath: protoFile('toutiao/user/v1/user_service.proto'),
  urlSetting: 'USER_GRPC_URL',
};

export const NEWS_GRPC: GrpcServiceDefinition = {
  packageName: newsV1.TOUTIAO_NEWS_V1_PACKAGE_NAME,
  serviceName: newsV1.NEWS_SERVICE_NAME,
  protoPath: protoFile('toutiao/news/v1/news_service.proto'),
  urlSetting: 'NEWS_GRPC_URL',
};
