import { drainWithin } from '@app/config';
import type { Server } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';

/**
 * Stops `server` taking calls and waits for those in progress, for `deadlineMs` at most
 * (GRPC_SHUTDOWN_DRAIN_MS): the calls still running then are cancelled (their clients get
 * CANCELLED or UNAVAILABLE), so the shutdown hooks after it run before Kubernetes kills the pod.
 * A call's own deadline and the connection-age grace are no bound: the counter repair's is long.
 */
export async function drainGrpcServer(server: Server, deadlineMs: number): Promise<void> {
  const drained = new Promise<void>((resolve, reject) =>
    server.tryShutdown((error) => (error ? reject(error) : resolve())),
  );
  await drainWithin(drained, deadlineMs, () => {
    new Logger('Shutdown').warn(
      `gRPC calls still running after ${deadlineMs} ms of draining are cancelled`,
    );
    server.forceShutdown();
  });
}
