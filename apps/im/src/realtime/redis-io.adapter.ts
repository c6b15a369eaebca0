import type { Server as HttpServer } from 'node:http';

import { errorMessage } from '@app/config';
import { cutRequestsAfter } from '@app/grpc';
import { type INestApplication, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { createAdapter } from '@socket.io/redis-adapter';
import type Redis from 'ioredis';
import type { Observable } from 'rxjs';
import { Server, type ServerOptions, type Socket } from 'socket.io';

import type { EngineConnectionCap } from '../notify/engine-connection-cap';
import type { RedisPubSub } from './redis-pub-sub';
import type { ImServer, ImSocket } from './socket.types';
import { TEXT_ONLY_PARSER } from './text-only-parser';

type EngineConnection = ImSocket['conn'];

/**
 * Redis channel key shared by the adapter and every `@socket.io/redis-emitter` publisher
 * (`${REDIS_KEY_PREFIX}socket.io`). Pub/sub ignores db indexes, so the prefix is what keeps
 * deployments and test runs on one Redis apart.
 */
export function socketIoChannelKey(redisKeyPrefix: string): string {
  return `${redisKeyPrefix}socket.io`;
}

/** Longer than the chatbot's 3 s deadline, well inside Kubernetes' 30 s grace period. */
export const SHUTDOWN_DRAIN_MS = 5000;

/** The largest frame a client may send: room for a burst of chat messages in one poll. */
export const MAX_FRAME_BYTES = 64 * 1024;

export interface RedisIoAdapterOptions {
  redisKeyPrefix: string;
  pingTimeoutMs: number;
  /**
   * How long the close, once it begins, waits for the HTTP server's requests in progress before
   * their connections are cut (what is left of HTTP_SHUTDOWN_DRAIN_MS); none: for as long as they
   * last.
   */
  requestDrainMs?: () => number;
  /** Counts the Engine.IO connections of each caller address; none: uncounted. */
  connectionCap?: EngineConnectionCap;
}

/** Socket.IO on the app's own HTTP server (Fastify's), fanned out across replicas through Redis. */
export class RedisIoAdapter extends IoAdapter {
  private readonly redisAdapter: ReturnType<typeof createAdapter>;
  /** Message handlers still running, each settled once its answer is sent. */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    app: INestApplication,
    pubSub: RedisPubSub,
    private readonly options: RedisIoAdapterOptions,
  ) {
    super(app);
    const logger = new Logger(RedisIoAdapter.name);
    const sub = reportingSubscriptionFailures(pubSub.sub, (command, error) =>
      logger.warn(`Socket.IO adapter: ${command} failed: ${errorMessage(error)}`),
    );
    this.redisAdapter = createAdapter(pubSub.pub, sub, {
      key: socketIoChannelKey(options.redisKeyPrefix),
    });
  }

  override createIOServer(port: number, options?: Partial<ServerOptions>): ImServer {
    const server: unknown = super.createIOServer(port, {
      ...options,
      pingTimeout: this.options.pingTimeoutMs,
      // toutiao-m ships socket.io-client 2, which speaks Engine.IO 3.
      allowEIO3: true,
      // The mobile web client is served from anywhere and its Engine.IO 3 long-polls are sent
      // with credentials; sockets authenticate by token, not cookies.
      cors: { origin: true, credentials: true },
      // Socket.IO's default is 1 MB. A chat message is 500 characters; a larger frame, or
      // long-polling body of batched packets, closes the connection before it is parsed.
      maxHttpBufferSize: MAX_FRAME_BYTES,
      // A binary packet closes the connection: none is needed, and each held its attachments.
      parser: TEXT_ONLY_PARSER,
      ...(this.options.connectionCap && { allowRequest: this.options.connectionCap.allowRequest }),
    });
    if (!isImServer(server)) throw new Error('IoAdapter did not create a Socket.IO server');
    this.options.connectionCap?.countOn(server.engine);
    server.adapter(this.redisAdapter);
    return server;
  }

  /**
   * What Nest's IoAdapter does with a gateway's message handlers, with one plain listener per
   * message instead of an RxJS chain per socket and gateway: every online reader holds a socket,
   * and Nest's chains kept about 7 KiB of heap per socket alive (`npm run bench:im`). The answer
   * of a handler is emitted when it names an event, and given to the client's ack when the client
   * sent one (toutiao-m sends none and reads the event; a client that did waited on it for ever).
   * A socket's answers go out in the order of its messages: toutiao-m's chat page shows each
   * answer under the last message sent, and a bot quicker over the second message answered it
   * first. A refusal (an `exception`, sent by the handler's filter) is not held.
   */
  override bindMessageHandlers(
    socket: Socket,
    handlers: MessageMappingProperties[],
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    let previous: Promise<void> = Promise.resolve();
    for (const { message, callback, isAckHandledManually } of handlers) {
      socket.on(message as string, (...args: unknown[]) => {
        const payload = this.mapPayload(args.length > 1 ? args : args[0]);
        const ack = payload.ack as ((response: unknown) => void) | undefined;
        const responses: unknown[] = [];
        const handled = new Promise<void>((done) => {
          transform(callback(payload.data, ack)).subscribe({
            next: (response) => {
              if (response !== null && response !== undefined) responses.push(response);
            },
            complete: done,
            error: () => done(),
          });
        });
        const answered = Promise.all([previous, handled]).then(() => {
          for (const response of responses) {
            const event = isEventResponse(response) ? response : undefined;
            if (event) socket.emit(event.event, event.data);
            if (!isAckHandledManually && ack) ack(event ? event.data : response);
          }
        });
        previous = answered;
        this.pending.add(answered);
        void answered.then(() => this.pending.delete(answered));
      });
    }
  }

  /**
   * Answers the messages already taken (a chat message waits for its bot), and lets each
   * connection write them, before the server closes every socket, for at most SHUTDOWN_DRAIN_MS:
   * an answer sent after would be lost.
   */
  override async close(server: ImServer): Promise<void> {
    // Socket.IO's close waits for the HTTP server's, before Fastify's own close would bound it.
    if (this.options.requestDrainMs !== undefined)
      cutRequestsAfter(this.httpServer as HttpServer, this.options.requestDrainMs());
    const deadline = Date.now() + SHUTDOWN_DRAIN_MS;
    while (this.pending.size > 0 && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.pending]),
        new Promise((resolve) => (timer = setTimeout(resolve, deadline - Date.now()))),
      ]);
      clearTimeout(timer);
    }
    await closeWhenWritten(server, deadline);
    await super.close(server);
  }
}

const SUBSCRIPTION_COMMANDS: ReadonlySet<string> = new Set([
  'subscribe',
  'psubscribe',
  'unsubscribe',
  'punsubscribe',
]);

/**
 * The subscriber as the adapter gets it: the adapter sends its SUBSCRIBEs as a namespace is
 * created and its UNSUBSCRIBEs as the server closes, and drops their promises. Closing the
 * connection before Redis answered them (im stopped during an outage, or the moment it started)
 * rejects them, and a rejection nobody handles ends the process; here each failure is reported.
 * A running im needs nothing more: ioredis subscribes again to what it holds on each reconnection.
 */
function reportingSubscriptionFailures(
  client: Redis,
  report: (command: string, error: unknown) => void,
): Redis {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !SUBSCRIPTION_COMMANDS.has(property)) return value;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        const reply: unknown = value.apply(target, args);
        if (reply instanceof Promise) reply.catch((error: unknown) => report(property, error));
        return reply;
      };
    },
  });
}

/**
 * Closes each connection once the packets it holds are written, until `deadline`. Answers held
 * behind a slower one are sent together: the transport takes the first and Engine.IO buffers the
 * rest until it has written it, and the server's close discards that buffer, where a connection
 * closed alone waits for it. The client sees its transport close, as at any close, and reconnects.
 */
async function closeWhenWritten(server: ImServer, deadline: number): Promise<void> {
  const open = new Set<EngineConnection>();
  for (const socket of server.sockets.sockets.values())
    if (socket.conn.readyState === 'open') open.add(socket.conn);
  if (open.size === 0 || Date.now() >= deadline) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(
      Array.from(open, (connection) => {
        const closed = new Promise((resolve) => connection.once('close', resolve));
        connection.close();
        return closed;
      }),
    ),
    new Promise((resolve) => (timer = setTimeout(resolve, deadline - Date.now()))),
  ]);
  clearTimeout(timer);
}

function isEventResponse(value: unknown): value is { event: string; data: unknown } {
  return typeof value === 'object' && value !== null && 'event' in value && Boolean(value.event);
}

function isImServer(value: unknown): value is ImServer {
  return value instanceof Server;
}
