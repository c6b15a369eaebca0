import {
  type ClientReadableStream,
  credentials,
  type GrpcObject,
  loadPackageDefinition,
  type ServiceClientConstructor,
  type status,
  type StatusObject,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath } from 'grpc-health-check';

type HealthClient = InstanceType<ServiceClientConstructor> & {
  check(
    request: { service: string },
    callback: (error: Error | null, reply: { status: string }) => void,
  ): void;
  watch(request: { service: string }): ClientReadableStream<{ status: string }>;
};

let Health: ServiceClientConstructor | undefined;

function healthClient(): ServiceClientConstructor {
  Health ??= (
    (
      (loadPackageDefinition(loadSync(protoPath, { enums: String })).grpc as GrpcObject)
        .health as GrpcObject
    ).v1 as GrpcObject
  ).Health as ServiceClientConstructor;
  return Health;
}

/** What a server's grpc.health.v1 `Check` answers for `service` ('' = the server): SERVING, NOT_SERVING, … */
export async function grpcHealthStatus(address: string, service = ''): Promise<string> {
  const client = new (healthClient())(address, credentials.createInsecure()) as HealthClient;
  try {
    return await new Promise<string>((resolve, reject) =>
      client.check({ service }, (error, reply) => (error ? reject(error) : resolve(reply.status))),
    );
  } finally {
    client.close();
  }
}

/** A grpc.health.v1 `Watch` held open. */
export interface GrpcHealthWatch {
  /** Every status the server sent so far, the current one first. */
  readonly statuses: readonly string[];
  /** The last status sent, if any. */
  latest(): string | undefined;
  /** The status code the call ended with: OK, CANCELLED by `close`, or what the server ended it with. */
  readonly ended: Promise<status>;
  close(): void;
}

/**
 * Opens a grpc.health.v1 `Watch` of `service` ('' = the server) on `address`. The stream is a
 * call in flight: a server draining waits for it, and it hears what the server says meanwhile.
 */
export function watchGrpcHealth(address: string, service = ''): GrpcHealthWatch {
  const client = new (healthClient())(address, credentials.createInsecure()) as HealthClient;
  const call = client.watch({ service });
  const statuses: string[] = [];
  call.on('data', (reply: { status: string }) => statuses.push(reply.status));
  // Cancelled by `close`, or ended with the server: what it sent stays in `statuses`.
  call.on('error', () => undefined);
  const ended = new Promise<status>((resolve) =>
    call.on('status', (outcome: StatusObject) => resolve(outcome.code)),
  );
  return {
    statuses,
    latest: () => statuses.at(-1),
    ended,
    close: () => {
      call.cancel();
      client.close();
    },
  };
}
