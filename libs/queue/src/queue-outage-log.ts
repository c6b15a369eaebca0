import type { LoggerService } from '@nestjs/common';

interface RedisClientStatus {
  status: string;
  on(event: 'ready', listener: () => void): unknown;
}

/**
 * A BullMQ Queue or Worker: it emits its connections' errors, and a Worker its blocking
 * connection's 'ready'; a Worker's `waitUntilReady` answers its blocking connection's client.
 */
export interface QueueConnectionEvents {
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
  readonly client: Promise<RedisClientStatus>;
  waitUntilReady(): Promise<Pick<RedisClientStatus, 'status'>>;
}

/**
 * Logs when a BullMQ queue or worker loses its Redis, once per outage however many reconnection
 * attempts fail, and when it has it back: each of its connections emitted an error per attempt,
 * about one a second each, which a warning apiece turned into thousands of lines an hour. A worker
 * (`blockingConnection`) is back once both its connections are ready, whichever of them was lost:
 * its main connection reset alone (its blocking one never lost, so never ready again) left it
 * taken for down for good, the next outage unlogged.
 */
export function logQueueOutages(
  source: QueueConnectionEvents,
  name: string,
  logger: Pick<LoggerService, 'warn' | 'log'>,
  { blockingConnection = false }: { blockingConnection?: boolean } = {},
): void {
  let down = false;
  const checkBack = async (): Promise<void> => {
    if (!down) return;
    const client = await source.client;
    if (client.status !== 'ready') return;
    if (blockingConnection && (await source.waitUntilReady()).status !== 'ready') return;
    if (!down) return;
    down = false;
    logger.log(`${name}: the queue Redis is reachable again`);
  };
  source.on('error', (error) => {
    if (!isConnectionError(error)) {
      logger.warn(`${name}: ${error.message}`);
      return;
    }
    if (down) return;
    down = true;
    logger.warn(`${name}: the queue Redis is unreachable, reconnecting: ${error.message}`);
  });
  if (blockingConnection) source.on('ready', () => void checkBack());
  void source.client.then(
    (client) => client.on('ready', () => void checkBack()),
    () => undefined,
  );
}

/** A failed connection or reconnection attempt (a socket error, or ioredis' closed connection), not a failed command. */
function isConnectionError(error: Error): boolean {
  const { code } = error as NodeJS.ErrnoException;
  return (
    (typeof code === 'string' && code.startsWith('E')) ||
    /Connection is closed/i.test(error.message)
  );
}
