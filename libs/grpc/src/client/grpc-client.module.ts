import { type DynamicModule, Inject, Module, type Provider } from '@nestjs/common';
import { type ClientGrpc, ClientProxyFactory, Transport } from '@nestjs/microservices';

import { GRPC_LOADER_OPTIONS } from '../loader-options';
import { GRPC_MAX_MESSAGE_BYTES } from '../message-limit';
import type { GrpcServiceDefinition } from '../services';
import { deadlineInterceptor } from './deadline.interceptor';
import { refusedReplyInterceptor } from './refused-reply.interceptor';

/**
 * The `grpc.service_config` of every client of our services: with a headless Service
 * (`dns:///news:50052`) calls go to every replica in turn, not all to the first address.
 */
export const ROUND_ROBIN_SERVICE_CONFIG = JSON.stringify({
  loadBalancingConfig: [{ round_robin: {} }],
});
/**
 * grpc-js waits up to 120 s between reconnection attempts by default: a service back after an
 * outage of a few minutes stayed unreachable through this client for up to 25 s more, while the
 * readiness probe (its own channel) already said 200.
 */
export const MAX_RECONNECT_BACKOFF_MS = 5_000;

export interface GrpcClientRegistration {
  service: GrpcServiceDefinition;
  url: string;
  /** Default deadline of every call through this client. */
  deadlineMs: number;
}

/** Injection token of the typed client of one gRPC service. */
export function grpcClientToken(service: GrpcServiceDefinition): string {
  // The app is part of the token: one service (CounterRepairService) is served by several.
  return `grpc-client:${service.urlSetting}:${service.packageName}.${service.serviceName}`;
}

/** Injects the typed client (`XServiceClient` from @app/contracts) of a gRPC service. */
export const InjectGrpcClient = (service: GrpcServiceDefinition): ParameterDecorator =>
  Inject(grpcClientToken(service));

function clientProvider({ service, url, deadlineMs }: GrpcClientRegistration): Provider {
  return {
    provide: grpcClientToken(service),
    useFactory: () => {
      const proxy = ClientProxyFactory.create({
        transport: Transport.GRPC,
        options: {
          package: service.packageName,
          protoPath: service.protoPath,
          url,
          loader: GRPC_LOADER_OPTIONS,
          channelOptions: {
            interceptors: [deadlineInterceptor(deadlineMs), refusedReplyInterceptor()],
            'grpc.max_send_message_length': GRPC_MAX_MESSAGE_BYTES,
            'grpc.service_config': ROUND_ROBIN_SERVICE_CONFIG,
            'grpc.max_reconnect_backoff_ms': MAX_RECONNECT_BACKOFF_MS,
          },
        },
      }) as unknown as ClientGrpc;
      return proxy.getService<object>(service.serviceName);
    },
  };
}

export type GrpcClientSettings = Record<GrpcServiceDefinition['urlSetting'], string> & {
  GRPC_DEADLINE_MS: number;
};

/** Global typed clients of the given services, addressed from config, every call bounded by a deadline. */
@Module({})
export class GrpcClientModule {
  static forRoot(config: GrpcClientSettings, services: GrpcServiceDefinition[]): DynamicModule {
    return GrpcClientModule.register(
      services.map((service) => ({
        service,
        url: config[service.urlSetting],
        deadlineMs: config.GRPC_DEADLINE_MS,
      })),
    );
  }

  static register(registrations: GrpcClientRegistration[]): DynamicModule {
    const providers = registrations.map(clientProvider);
    return {
      module: GrpcClientModule,
      global: true,
      providers,
      exports: providers.map((provider) => (provider as { provide: string }).provide),
    };
  }
}
