import { RedisHealth } from '@app/cache';
import { DatabaseHealth } from '@app/database';
import { Controller, type DynamicModule, Get, Inject, Module, Optional } from '@nestjs/common';
import {
  GRPCHealthIndicator,
  HealthCheck,
  type HealthCheckResult,
  HealthCheckService,
  type HealthIndicatorFunction,
  HealthIndicatorService,
  TerminusModule,
} from '@nestjs/terminus';

import { type GrpcServiceDefinition, qualifiedServiceName } from '../services';

export interface ReadinessDependencies {
  /** Check the Redis roles (RedisModule must be imported). */
  redis?: boolean;
  /** Check MySQL (DatabaseModule must be imported). */
  database?: boolean;
  /** gRPC services whose grpc.health.v1 status must be SERVING. */
  grpc?: { name: string; service: GrpcServiceDefinition; url: string }[];
}

const READINESS_DEPENDENCIES = Symbol('READINESS_DEPENDENCIES');

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly grpc: GRPCHealthIndicator,
    @Inject(READINESS_DEPENDENCIES) private readonly dependencies: ReadinessDependencies,
    @Optional() private readonly redis?: RedisHealth,
    @Optional() private readonly database?: DatabaseHealth,
  ) {}

  /** The process is up; never checks dependencies, so a slow database does not restart pods. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check(this.checks());
  }

  private checks(): HealthIndicatorFunction[] {
    const checks: HealthIndicatorFunction[] = [];
    const probe = (key: string, isReady: () => Promise<boolean>): HealthIndicatorFunction => async () => {
      const indicator = this.indicators.check(key);
      return (await isReady()) ? indicator.up() : indicator.down();
    };
    if (this.dependencies.redis) {
      const redis = this.require(this.redis, 'RedisModule');
      checks.push(probe('redis', () => redis.isReady()));
    }
    if (this.dependencies.database) {
      const database = this.require(this.database, 'DatabaseModule');
      checks.push(probe('database', () => database.isReady()));
    }
    for (const { name, service, url } of this.dependencies.grpc ?? []) {
      checks.push(() => this.grpc.checkService(name, qualifiedServiceName(service), { url, timeout: 1000 }));
    }
    return checks;
  }

  private require<T>(value: T | undefined, moduleName: string): T {
    if (!value) throw new Error(`readiness needs ${moduleName}`);
    return value;
  }
}

/** `/health/live` and `/health/ready` for an HTTP app; readiness checks the listed real dependencies. */
@Module({})
export class EdgeHealthModule {
  static forRoot(dependencies: ReadinessDependencies): DynamicModule {
    return {
      module: EdgeHealthModule,
      imports: [TerminusModule.forRoot({ gracefulShutdownTimeoutMs: 0, logger: false })],
      controllers: [HealthController],
      providers: [{ provide: READINESS_DEPENDENCIES, useValue: dependencies }],
    };
  }
}
