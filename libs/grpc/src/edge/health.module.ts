import { REDIS_CACHE, REDIS_STATE } from '@app/cache';
import { DatabaseHealth } from '@app/database';
import {
  Controller,
  type DynamicModule,
  Get,
  Inject,
  Injectable,
  Module,
  type OnModuleDestroy,
  Optional,
  Res,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type Redis from 'ioredis';

import { GrpcHealthProbe, redisAnswers } from '../health/dependency-probes';
import {
  checkReadiness,
  type DependencyCheck,
  READINESS_TIMEOUT_MS,
  type ReadinessReport,
  readinessHttpStatus,
  type Requirement,
} from '../health/readiness-report';
import { type GrpcServiceDefinition, qualifiedServiceName } from '../services';
import { RawResponse } from './raw-response.decorator';

/** A gRPC service the app calls, asked through grpc.health.v1 for `healthService` at `url`. */
export interface DownstreamService {
  name: string;
  url: string;
  healthService: string;
}

/** A service the app calls, by its definition: grpc.health.v1 is asked about that very service. */
export function downstreamService(
  name: string,
  service: GrpcServiceDefinition,
  url: string,
): DownstreamService {
  return { name, url, healthService: qualifiedServiceName(service) };
}

/**
 * What an HTTP app's readiness looks at. Its own stores are `required` when the replica cannot
 * serve without them; the gRPC services it calls are always only reported, since they are shared
 * by every replica and taking them all out of the load balancer would not bring a service back.
 */
export interface ReadinessDependencies {
  /** The cache Redis role (RedisModule must be imported). */
  cacheRedis?: Requirement;
  /** The state Redis role (RedisModule must be imported). */
  stateRedis?: Requirement;
  /** MySQL (DatabaseModule must be imported). */
  mysql?: Requirement;
  services?: DownstreamService[];
}

const READINESS_DEPENDENCIES = Symbol('READINESS_DEPENDENCIES');

@Injectable()
class EdgeReadiness implements OnModuleDestroy {
  private readonly checks: DependencyCheck[] = [];
  private readonly probes: GrpcHealthProbe[] = [];

  constructor(
    @Inject(READINESS_DEPENDENCIES) dependencies: ReadinessDependencies,
    @Optional() @Inject(REDIS_CACHE) cache?: Redis,
    @Optional() @Inject(REDIS_STATE) state?: Redis,
    @Optional() database?: DatabaseHealth,
  ) {
    if (dependencies.cacheRedis) {
      const client = required(cache, 'RedisModule');
      this.checks.push({
        name: 'cacheRedis',
        requirement: dependencies.cacheRedis,
        isUp: () => redisAnswers(client),
      });
    }
    if (dependencies.stateRedis) {
      const client = required(state, 'RedisModule');
      this.checks.push({
        name: 'stateRedis',
        requirement: dependencies.stateRedis,
        isUp: () => redisAnswers(client),
      });
    }
    if (dependencies.mysql) {
      const mysql = required(database, 'DatabaseModule');
      this.checks.push({
        name: 'mysql',
        requirement: dependencies.mysql,
        isUp: () => mysql.isReady(READINESS_TIMEOUT_MS),
      });
    }
    for (const { name, url, healthService } of dependencies.services ?? []) {
      const probe = new GrpcHealthProbe(url, healthService);
      this.probes.push(probe);
      this.checks.push({
        name,
        requirement: 'reported',
        isUp: () => probe.isServing(READINESS_TIMEOUT_MS),
      });
    }
  }

  report(): Promise<ReadinessReport> {
    return checkReadiness(this.checks);
  }

  onModuleDestroy(): void {
    for (const probe of this.probes) probe.close();
  }
}

function required<T>(value: T | undefined, moduleName: string): T {
  if (!value) throw new Error(`readiness needs ${moduleName}`);
  return value;
}

@Controller('health')
class HealthController {
  constructor(private readonly readiness: EdgeReadiness) {}

  /** The process is up; never checks dependencies, so a slow database does not restart pods. */
  @Get('live')
  @RawResponse()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @RawResponse()
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessReport> {
    const report = await this.readiness.report();
    void reply.status(readinessHttpStatus(report));
    return report;
  }
}

/** `/health/live` and `/health/ready` for an HTTP app; readiness answers a {@link ReadinessReport}. */
@Module({})
export class EdgeHealthModule {
  static forRoot(dependencies: ReadinessDependencies): DynamicModule {
    return {
      module: EdgeHealthModule,
      controllers: [HealthController],
      providers: [{ provide: READINESS_DEPENDENCIES, useValue: dependencies }, EdgeReadiness],
    };
  }
}
