import { APP_CONFIG } from '@app/config';
import { refusedReplyInterceptor, ROUND_ROBIN_SERVICE_CONFIG } from '@app/grpc';
import { Client, connectivityState, credentials } from '@grpc/grpc-js';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import type { GatewayConfig } from '../config/gateway.config';

/**
 * A refused connection is retried after this, growing 1.6 times per attempt (grpc-js' default
 * is 1 s): calls fail fast meanwhile, so a recommend service that comes up just after the gateway
 * tried is reached within a fraction of a second.
 */
const INITIAL_RECONNECT_BACKOFF_MS = 100;
/** The ceiling of that growth: related articles and recommended feeds come back soon after an outage. */
const MAX_RECONNECT_BACKOFF_MS = 5_000;
/** How long boot waits for a connection attempt that neither succeeds nor fails (an address that drops packets). */
const CONNECT_AT_BOOT_MS = 1_000;

/**
 * The one grpc-js channel to the recommend service (`user_reco.proto` has no package, so its
 * clients are plain grpc-js clients rather than Nest's), shared by the feed and related articles,
 * its calls spread over every replica as the other services' clients spread theirs.
 * It connects at boot, before the gateway listens, and waits for that attempt: a gateway serving
 * requests serves recommended feeds from a recommend service that was up when it booted. A
 * refused attempt does not hold the boot, and readiness never looks at it.
 */
@Injectable()
export class RecommendChannel implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RecommendChannel.name);
  readonly client: Client;

  constructor(@Inject(APP_CONFIG) config: Pick<GatewayConfig, 'RECOMMEND_GRPC_URL'>) {
    this.client = new Client(config.RECOMMEND_GRPC_URL, credentials.createInsecure(), {
      'grpc.initial_reconnect_backoff_ms': INITIAL_RECONNECT_BACKOFF_MS,
      'grpc.max_reconnect_backoff_ms': MAX_RECONNECT_BACKOFF_MS,
      'grpc.service_config': ROUND_ROBIN_SERVICE_CONFIG,
      // A reply over the message limit ends INTERNAL, as on the other services' clients.
      interceptors: [refusedReplyInterceptor()],
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const state = await this.connect(Date.now() + CONNECT_AT_BOOT_MS);
    if (state !== connectivityState.READY) {
      this.logger.warn(
        `recommend is not reachable yet (${connectivityState[state]}): feeds fall back until it is`,
      );
    }
  }

  /** Starts connecting and resolves with the state the attempt ends in (or the state at the deadline). */
  private connect(deadline: number): Promise<connectivityState> {
    const channel = this.client.getChannel();
    return new Promise((resolve) => {
      const settle = (): void => {
        const state = channel.getConnectivityState(true);
        if (state === connectivityState.IDLE || state === connectivityState.CONNECTING) {
          channel.watchConnectivityState(state, deadline, (error) =>
            error ? resolve(channel.getConnectivityState(false)) : settle(),
          );
        } else {
          resolve(state);
        }
      };
      settle();
    });
  }

  onApplicationShutdown(): void {
    this.client.close();
  }
}
