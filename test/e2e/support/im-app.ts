import { loadConfig } from '@app/config';
import { freePort, type TestRedis } from '@app/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { io, type Socket } from 'socket.io-client';

import { imEnvSchema } from '../../../apps/im/src/config/im.config';
import { createIm } from '../../../apps/im/src/main';
import type { ImOverrides } from '../../../apps/im/src/im.module';

export type SocketQuery = Record<string, string>;

/** Where the sockets a test opened are kept, for it to close them. */
export type OpenSockets = Pick<Socket[], 'push'>;

/** An im app on the test's Redis roles, listening on a free loopback port. */
export async function startIm(
  redis: TestRedis,
  overrides: ImOverrides,
  env: Record<string, string> = {},
): Promise<{ app: NestFastifyApplication; port: number }> {
  const app = await createIm(
    loadConfig(imEnvSchema, {
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      REDIS_CACHE_URL: redis.cacheUrl,
      REDIS_STATE_URL: redis.stateUrl,
      REDIS_QUEUE_URL: redis.queueUrl,
      REDIS_KEY_PREFIX: redis.prefix,
      ...env,
    }),
    overrides,
  );
  const port = await freePort();
  await app.listen(port, '127.0.0.1');
  return { app, port };
}

/**
 * A Socket.IO client of im, kept in `sockets` for the test to close. `forwardedFor`: the
 * X-Forwarded-For of the Ingress, which im trusts for one hop by default.
 */
export function openImSocket(
  sockets: OpenSockets,
  port: number,
  query: SocketQuery,
  forwardedFor?: string,
): Socket {
  const socket = io(`http://127.0.0.1:${port}`, {
    transports: ['websocket'],
    query,
    reconnection: false,
    forceNew: true,
    ...(forwardedFor === undefined ? {} : { extraHeaders: { 'x-forwarded-for': forwardedFor } }),
  });
  sockets.push(socket);
  return socket;
}

/** A socket im let in. */
export function connectIm(
  sockets: OpenSockets,
  port: number,
  query: SocketQuery,
  forwardedFor?: string,
): Promise<Socket> {
  const socket = openImSocket(sockets, port, query, forwardedFor);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** The message of im's refusal of a handshake; fails if im lets the socket in. */
export function imRefusal(sockets: OpenSockets, port: number, query: SocketQuery): Promise<string> {
  const socket = openImSocket(sockets, port, query);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('connection was accepted')));
    socket.once('connect_error', (error: Error) => resolve(error.message));
  });
}
