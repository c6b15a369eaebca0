import type { INestApplication } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server, type ServerOptions } from 'socket.io';

import type { RedisPubSub } from './redis-pub-sub';
import type { ImServer } from './socket.types';

/**
 * Redis channel key shared by the adapter and every `@socket.io/redis-emitter` publisher
 * (`${REDIS_KEY_PREFIX}socket.io`). Pub/sub ignores db indexes, so the prefix is what keeps
 * deployments and test runs on one Redis apart.
 */
export function socketIoChannelKey(redisKeyPrefix: string): string {
  return `${redisKeyPrefix}socket.io`;
}

export interface RedisIoAdapterOptions {
  redisKeyPrefix: string;
  pingTimeoutMs: number;
}

/** Socket.IO on the app's own HTTP server (Fastify's), fanned out across replicas through Redis. */
export class RedisIoAdapter extends IoAdapter {
  private readonly redisAdapter: ReturnType<typeof createAdapter>;

  constructor(
    app: INestApplication,
    pubSub: RedisPubSub,
    private readonly options: RedisIoAdapterOptions,
  ) {
    super(app);
    this.redisAdapter = createAdapter(pubSub.pub, pubSub.sub, {
      key: socketIoChannelKey(options.redisKeyPrefix),
    });
  }

  override createIOServer(port: number, options?: Partial<ServerOptions>): ImServer {
    const server: unknown = super.createIOServer(port, {
      ...options,
      pingTimeout: this.options.pingTimeoutMs,
      // The mobile web client is served from anywhere; sockets authenticate by token, not cookies.
      cors: { origin: true },
    });
    if (!isImServer(server)) throw new Error('IoAdapter did not create a Socket.IO server');
    server.adapter(this.redisAdapter);
    return server;
  }
}

function isImServer(value: unknown): value is ImServer {
  return value instanceof Server;
}
