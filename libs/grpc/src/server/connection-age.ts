import type { GrpcServerEnv } from '@app/config';
import type { ChannelOptions } from '@grpc/grpc-js';

export type GrpcConnectionAge = Pick<
  GrpcServerEnv,
  'GRPC_MAX_CONNECTION_AGE_MS' | 'GRPC_MAX_CONNECTION_AGE_GRACE_MS'
>;

/**
 * Server options that age client connections out: past the age (grpc-js adds up to ±10 %) the
 * server sends GOAWAY, so the client connects again and, with round_robin, resolves its
 * `dns:///` target again and spreads calls over the replicas there now. Calls already running
 * finish within the grace; a call sent as the GOAWAY went out is refused, and grpc-js retries it
 * on the new connection.
 */
export function connectionAgeOptions(settings: GrpcConnectionAge): ChannelOptions {
  if (settings.GRPC_MAX_CONNECTION_AGE_MS === 0) return {};
  return {
    'grpc.max_connection_age_ms': settings.GRPC_MAX_CONNECTION_AGE_MS,
    'grpc.max_connection_age_grace_ms': settings.GRPC_MAX_CONNECTION_AGE_GRACE_MS,
  };
}
