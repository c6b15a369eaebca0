import { createServer } from 'node:net';

/*
 * Ports come from below the kernel's ephemeral range (32768-60999 on Linux): a port the kernel
 * hands out for `listen(0)` is free only until some outgoing connection (to MariaDB, Redis, a
 * gRPC peer) is given it, and parallel test workers open many. Each Jest worker draws from its
 * own block, so two workers never offer the same port either.
 */
export const PORT_RANGE = { first: 20_000, last: 32_767 } as const;
const BLOCK_SIZE = 1_000;
const BLOCK_COUNT = Math.floor((PORT_RANGE.last - PORT_RANGE.first + 1) / BLOCK_SIZE);

let nextOffset = Math.floor(Math.random() * BLOCK_SIZE);

function workerBlockStart(): number {
  const worker = Number(process.env.JEST_WORKER_ID ?? '1');
  const block = Number.isInteger(worker) && worker > 0 ? (worker - 1) % BLOCK_COUNT : 0;
  return PORT_RANGE.first + block * BLOCK_SIZE;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}

/** A TCP port free on all interfaces, not in the ephemeral range, and not offered before by this process. */
export async function freePort(): Promise<number> {
  const blockStart = workerBlockStart();
  for (let tries = 0; tries < BLOCK_SIZE; tries += 1) {
    const port = blockStart + (nextOffset % BLOCK_SIZE);
    nextOffset += 1;
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${blockStart}-${blockStart + BLOCK_SIZE - 1}`);
}
