import type { Options } from '@grpc/proto-loader';

/**
 * proto-loader settings matching the ts-proto generation flags (forceLong=string, stringEnums):
 * 64-bit integers arrive as strings, enums as names, and unset fields as their defaults.
 */
export const GRPC_LOADER_OPTIONS: Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};
