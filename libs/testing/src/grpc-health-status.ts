import { credentials, type GrpcObject, loadPackageDefinition, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath } from 'grpc-health-check';

type HealthClient = InstanceType<ServiceClientConstructor> & {
  check(request: { service: string }, callback: (error: Error | null, reply: { status: string }) => void): void;
};

let Health: ServiceClientConstructor | undefined;

/** What a server's grpc.health.v1 `Check` answers for `service` ('' = the server): SERVING, NOT_SERVING, … */
export async function grpcHealthStatus(address: string, service = ''): Promise<string> {
  Health ??= (((loadPackageDefinition(loadSync(protoPath, { enums: String })).grpc as GrpcObject).health as GrpcObject)
    .v1 as GrpcObject).Health as ServiceClientConstructor;
  const client = new Health(address, credentials.createInsecure()) as HealthClient;
  try {
    return await new Promise<string>((resolve, reject) =>
      client.check({ service }, (error, reply) => (error ? reject(error) : resolve(reply.status))),
    );
  } finally {
    client.close();
  }
}
