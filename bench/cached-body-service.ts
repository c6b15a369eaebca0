import { join } from 'node:path';

import type { GrpcServiceDefinition } from '@app/grpc';
import type { Observable } from 'rxjs';

import { ROOT } from './processes';

/** The L5 reference service (`bench/cached_body.proto`), hosted by `service-baseline-server.ts`. */
export const CACHED_BODY_GRPC: GrpcServiceDefinition = {
  packageName: 'bench.v1',
  serviceName: 'CachedBodyService',
  protoPath: join(ROOT, 'bench', 'cached_body.proto'),
  // Nominal: the bench passes the address itself.
  urlSetting: 'NEWS_GRPC_URL',
};

export interface CachedBodyRequest {
  key: string;
}

export interface CachedBody {
  body: Buffer;
}

/** The typed Nest client of CACHED_BODY_GRPC, as @app/contracts generates them for the services. */
export interface CachedBodyServiceClient {
  getCachedBody(request: CachedBodyRequest): Observable<CachedBody>;
}
