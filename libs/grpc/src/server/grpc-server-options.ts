import type { Server } from '@grpc/grpc-js';
import { type GrpcOptions, Transport } from '@nestjs/microservices';

import { GRPC_LOADER_OPTIONS } from '../loader-options';
import type { GrpcServiceDefinition } from '../services';
import type { GrpcHealth } from './grpc-health';

/** Nest microservice options for a gRPC server: shared loader options, graceful close, health service. */
export function grpcServerOptions(
  service: GrpcServiceDefinition,
  url: string,
  health: GrpcHealth,
): GrpcOptions {
  return {
    transport: Transport.GRPC,
    options: {
      package: service.packageName,
      protoPath: service.protoPath,
      url,
      loader: GRPC_LOADER_OPTIONS,
      gracefulShutdown: true,
      onLoadPackageDefinition: (_definition: unknown, server: unknown) => {
        health.addToServer(server as Server);
      },
    },
  };
}
