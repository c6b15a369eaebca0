import { RedisHealth } from '@app/cache';
import { APP_CONFIG } from '@app/config';
import {
  CANDIDATE_GRPC,
  connectionAgeOptions,
  drainGrpcServer,
  GrpcHealth,
  GrpcMetricsEndpoint,
  qualifiedServiceName,
  serviceConstructor,
} from '@app/grpc';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';

import { CandidateSnapshot } from '../candidates/candidate-snapshot';
import type { RecommendConfig } from '../config/recommend.config';
import { CandidateHandlers } from './candidate.handlers';
import { UserRecommendHandlers } from './user-recommend.handlers';
import { userRecommendDefinition } from './user-reco.wire';

/** The service name the original contract declares (user_reco.proto has no package). */
export const USER_RECOMMEND_SERVICE = 'UserRecommend';

/**
 * A plain grpc-js server: the original `user_reco.proto` has no package, which Nest's gRPC
 * transport cannot serve, so this app hosts its services on grpc-js directly.
 */
@Injectable()
export class RecommendGrpcServer implements OnApplicationShutdown {
  private readonly logger = new Logger(RecommendGrpcServer.name);
  private readonly metrics = new GrpcMetricsEndpoint();
  private readonly server: Server;
  private readonly health = new GrpcHealth([
    USER_RECOMMEND_SERVICE,
    qualifiedServiceName(CANDIDATE_GRPC),
  ]);
  private boundPort: number | undefined;
  private drainMs = (): number => this.config.GRPC_SHUTDOWN_DRAIN_MS;

  constructor(
    @Inject(APP_CONFIG) private readonly config: RecommendConfig,
    private readonly redis: RedisHealth,
    private readonly snapshot: CandidateSnapshot,
    handlers: UserRecommendHandlers,
    candidates: CandidateHandlers,
  ) {
    this.server = new Server({
      interceptors: [this.metrics.calls.interceptor],
      ...connectionAgeOptions(config),
    });
    this.health.addToServer(this.server);
    this.server.addService(userRecommendDefinition(), handlers.implementation());
    // `toutiao.recommend.v1.CandidateService`, which the worker's candidates jobs call.
    this.server.addService(serviceConstructor(CANDIDATE_GRPC).service, candidates.implementation());
  }

  async start(): Promise<number> {
    this.boundPort = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(
        `0.0.0.0:${this.config.RECOMMEND_GRPC_PORT}`,
        ServerCredentials.createInsecure(),
        (error, port) => (error ? reject(error) : resolve(port)),
      ),
    );
    await this.metrics.listen(this.config.RECOMMEND_METRICS_PORT, this.config.HTTP_HOST);
    // Ready once it can recommend: until the pools are built every feed call would be UNAVAILABLE.
    await this.health.watch(
      async () => (await this.redis.isReady()) && (await this.snapshot.ready()),
    );
    this.logger.log(`gRPC listening on ${this.boundPort}`);
    return this.boundPort;
  }

  /** How long the drain may wait, GRPC_SHUTDOWN_DRAIN_MS at most: what is left of it after a signal held during the start. */
  drainWithin(msLeft: () => number): void {
    this.drainMs = () => Math.min(msLeft(), this.config.GRPC_SHUTDOWN_DRAIN_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.health.stop();
    await drainGrpcServer(this.server, this.drainMs());
    await this.metrics.close();
  }
}
