import { Client, credentials, Metadata, type MethodDefinition } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import type Redis from 'ioredis';

import { MAX_RECONNECT_BACKOFF_MS } from '../client/grpc-client.module';

/** Whether a Redis client's server answers PING. */
export async function redisAnswers(client: Pick<Redis, 'ping'>): Promise<boolean> {
  return (await client.ping()) === 'PONG';
}

interface HealthCheckRequest {
  service: string;
}

interface HealthCheckResponse {
  status: string;
}

const CHECK = healthService.Check as MethodDefinition<HealthCheckRequest, HealthCheckResponse>;

/**
 * Asks a gRPC server's grpc.health.v1 `Check` about one of its services, on a channel of its own
 * kept open between probes (one channel per probe would connect anew every few seconds).
 */
export class GrpcHealthProbe {
  private readonly client: Client;

  constructor(
    url: string,
    private readonly serviceName: string,
  ) {
    this.client = new Client(url, credentials.createInsecure(), {
      'grpc.max_reconnect_backoff_ms': MAX_RECONNECT_BACKOFF_MS,
    });
  }

  isServing(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      this.client.makeUnaryRequest(
        CHECK.path,
        CHECK.requestSerialize,
        CHECK.responseDeserialize,
        { service: this.serviceName },
        new Metadata(),
        { deadline: Date.now() + timeoutMs },
        (error, reply) => resolve(!error && reply?.status === 'SERVING'),
      );
    });
  }

  close(): void {
    this.client.close();
  }
}
