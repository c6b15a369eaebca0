import { type DynamicModule, Inject, Module, type Provider } from '@nestjs/common';
import { type ClientGrpc, ClientProxyFactory, Transport } from '@nestjs/microservices';

import { GRPC_LOADER_OPTIONS } from '../loader-options';
import type { GrpcServiceDefinition } from '../services';
import { deadlineInterceptor } from './deadline.interceptor';

export interface GrpcClientRegistration {
  service: GrpcServiceDefinition;
  url: string;
  /** Default deadline of every call through this client. */
  deadlineMs: number;
}

/** Injection token of the typed client of one gRPC service. */
export function grpcClientToken(service: GrpcServiceDefinition): string {
  return `grpc-client:${service.packageName}.${service.serviceName}`;
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
          channelOptions: { interceptors: [deadlineInterceptor(deadlineMs)] },
        },
      }) as unknown as ClientGrpc;
      return proxy.getService(service.serviceName);
    },
  };
}

@Module({})
export class GrpcClientModule {
  static register(registrations: GrpcClientRegistration[]): DynamicModule {
    const providers = registrations.map(clientProvider);
    return {
      module: GrpcClientModule,
      providers,
      exports: providers.map((provider) => (provider as { provide: string }).provide),
    };
  }
}
