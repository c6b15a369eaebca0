import type { Server, ServerInterceptor } from '@grpc/grpc-js';
import { type GrpcOptions, Transport } from '@nestjs/microservices';

import { GRPC_LOADER_OPTIONS } from '../loader-options';
import { GRPC_MAX_MESSAGE_BYTES } from '../message-limit';
import type { GrpcServiceDefinition } from '../services';
import { connectionAgeOptions, type GrpcConnectionAge } from './connection-age';
import type { GrpcHealth } from './grpc-health';

export interface GrpcServerExtras {
  /** Server interceptors every call passes through. */
  interceptors?: readonly ServerInterceptor[];
  /** Unset keeps client connections for good. */
  connectionAge?: GrpcConnectionAge;
  /** Given the grpc-js server Nest makes (its gRPC transport cannot `unwrap` it). */
  serverCreated?: (server: Server) => void;
}

/**
 * Nest microservice options for a gRPC server hosting `services` (one package, one proto file
 * each): shared loader options, graceful close, the health service, the server interceptors
 * every call passes through, and the age of client connections.
 */
export function grpcServerOptions(
  services: readonly GrpcServiceDefinition[],
  url: string,
  health: GrpcHealth,
  { interceptors = [], connectionAge, serverCreated }: GrpcServerExtras = {},
): GrpcOptions {
  const packages = [...new Set(services.map((service) => service.packageName))];
  return {
    transport: Transport.GRPC,
    options: {
      package: packages.length === 1 ? packages[0] : packages,
      protoPath: services.map((service) => service.protoPath),
      url,
      loader: GRPC_LOADER_OPTIONS,
      gracefulShutdown: true,
      // Nest hands these to the grpc-js Server it makes, whose options take its interceptors.
      channelOptions: {
        interceptors: [...interceptors],
        'grpc.max_receive_message_length': GRPC_MAX_MESSAGE_BYTES,
        ...(connectionAge ? connectionAgeOptions(connectionAge) : {}),
      },
      onLoadPackageDefinition: (_definition: unknown, server: unknown) => {
        health.addToServer(server as Server);
        serverCreated?.(server as Server);
      },
    },
  };
}
