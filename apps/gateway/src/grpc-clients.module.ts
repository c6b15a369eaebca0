import { GrpcClientModule, NEWS_GRPC, USER_GRPC } from '@app/grpc';
import { type DynamicModule, Module } from '@nestjs/common';

import type { GatewayConfig } from './config/gateway.config';

/** Typed clients of the internal services, each call bounded by the default deadline. */
@Module({})
export class GrpcClientsModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    const clients = GrpcClientModule.register([
      { service: USER_GRPC, url: config.USER_GRPC_URL, deadlineMs: config.GRPC_DEADLINE_MS },
      { service: NEWS_GRPC, url: config.NEWS_GRPC_URL, deadlineMs: config.GRPC_DEADLINE_MS },
    ]);
    return { module: GrpcClientsModule, global: true, imports: [clients], exports: [clients] };
  }
}
