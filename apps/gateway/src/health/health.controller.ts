import { RedisHealth } from '@app/cache';
import { NEWS_GRPC, USER_GRPC } from '@app/grpc';
import { APP_CONFIG } from '@app/config';
import { Controller, Get, Inject } from '@nestjs/common';
import {
  GRPCHealthIndicator,
  HealthCheck,
  HealthCheckService,
  type HealthCheckResult,
  HealthIndicatorService,
} from '@nestjs/terminus';

import type { GatewayConfig } from '../config/gateway.config';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly grpc: GRPCHealthIndicator,
    private readonly redis: RedisHealth,
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready when Redis answers and the user and news services report SERVING. */
  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      async () => {
        const indicator = this.indicators.check('redis');
        return (await this.redis.isReady()) ? indicator.up() : indicator.down();
      },
      () =>
        this.grpc.checkService('user', `${USER_GRPC.packageName}.${USER_GRPC.serviceName}`, {
          url: this.config.USER_GRPC_URL,
          timeout: 1000,
        }),
      () =>
        this.grpc.checkService('news', `${NEWS_GRPC.packageName}.${NEWS_GRPC.serviceName}`, {
          url: this.config.NEWS_GRPC_URL,
          timeout: 1000,
        }),
    ]);
  }
}
