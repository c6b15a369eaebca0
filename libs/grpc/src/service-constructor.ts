import {
  type GrpcObject,
  loadPackageDefinition,
  type ServiceClientConstructor,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

import { GRPC_LOADER_OPTIONS } from './loader-options';
import { type GrpcServiceDefinition, qualifiedServiceName } from './services';

/**
 * The plain grpc-js constructor of an internal service (its `.service` for `Server.addService`),
 * for code that serves or calls it without Nest's transport.
 */
export function serviceConstructor(service: GrpcServiceDefinition): ServiceClientConstructor {
  let node: GrpcObject | ServiceClientConstructor = loadPackageDefinition(
    loadSync(service.protoPath, GRPC_LOADER_OPTIONS),
  );
  for (const name of qualifiedServiceName(service).split('.')) {
    const next: unknown = (node as GrpcObject)[name];
    if (next === undefined)
      throw new Error(`${qualifiedServiceName(service)} is not defined in ${service.protoPath}`);
    node = next as GrpcObject | ServiceClientConstructor;
  }
  return node as ServiceClientConstructor;
}
