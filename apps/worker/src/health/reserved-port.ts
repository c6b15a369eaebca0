import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A port bound until the server meant for it is ready to listen on it. */
export interface ReservedPort {
  port: number;
  /** Frees the port for the server meant for it. */
  release(): Promise<void>;
}

/**
 * Binds `port` on `host` (fails as that server's listen would, e.g. EADDRINUSE) and keeps it until
 * released. Connections meanwhile are reset, as they were refused before anything listened.
 */
export function reservePort(port: number, host: string): Promise<ReservedPort> {
  const server = createServer((socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        release: () => new Promise((closed) => server.close(() => closed())),
      });
    });
  });
}
