import { loadConfig } from '@app/config';
import { collectEvents, createTestRedis, freePort, nextEvent, type TestRedis } from '@app/testing';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WsException,
  type WsResponse,
} from '@nestjs/websockets';
import { io, type Socket } from 'socket.io-client';

import { imEnvSchema } from '../config/im.config';
import { RedisIoAdapter } from './redis-io.adapter';
import { RedisPubSub } from './redis-pub-sub';

/** How long a socket must stay silent to count as "got nothing". */
const SILENCE_MS = 300;

@WebSocketGateway()
class EchoGateway {
  readonly heard: unknown[] = [];

  @SubscribeMessage('named')
  named(@MessageBody() data: unknown): WsResponse<unknown> {
    return { event: 'echo', data };
  }

  @SubscribeMessage('unnamed')
  async unnamed(@MessageBody() data: unknown): Promise<unknown> {
    await new Promise((resolve) => setTimeout(resolve, 10));
    return { echoed: data };
  }

  @SubscribeMessage('silent')
  silent(@MessageBody() data: unknown): void {
    this.heard.push(data);
  }

  @SubscribeMessage('refused')
  refused(): never {
    throw new WsException('Refused.');
  }
}

/** A second gateway on the same sockets, as the im app's chat and notification gateways are. */
@WebSocketGateway()
class PingGateway {
  @SubscribeMessage('ping')
  ping(): WsResponse<string> {
    return { event: 'pong', data: 'pong' };
  }
}

@Module({ providers: [EchoGateway, PingGateway] })
class GatewaysModule {}

describe('RedisIoAdapter message handlers', () => {
  let redis: TestRedis;
  let pubSub: RedisPubSub;
  let app: NestFastifyApplication;
  let port: number;
  const sockets: Socket[] = [];

  const connect = (): Promise<Socket> => {
    const socket = io(`http://127.0.0.1:${port}`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  };

  beforeAll(async () => {
    redis = createTestRedis();
    const config = loadConfig(imEnvSchema, {
      NODE_ENV: 'test',
      REDIS_CACHE_URL: redis.cacheUrl,
      REDIS_STATE_URL: redis.stateUrl,
      REDIS_QUEUE_URL: redis.queueUrl,
      REDIS_KEY_PREFIX: redis.prefix,
    });
    pubSub = new RedisPubSub(config);
    app = await NestFactory.create<NestFastifyApplication>(GatewaysModule, new FastifyAdapter(), {
      logger: false,
    });
    app.useWebSocketAdapter(
      new RedisIoAdapter(app, pubSub, { redisKeyPrefix: redis.prefix, pingTimeoutMs: 5000 }),
    );
    port = await freePort();
    await app.listen(port, '127.0.0.1');
  });

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await app?.close();
    await pubSub?.onApplicationShutdown();
    await redis?.cleanup();
  });

  it('emits an answer that names an event to the sender only', async () => {
    const [sender, other] = [await connect(), await connect()];
    const heardByOther = collectEvents(other, 'echo', SILENCE_MS);
    const echoed = nextEvent(sender, 'echo');
    sender.emit('named', { n: 1 });
    expect(await echoed).toEqual({ n: 1 });
    expect(await heardByOther).toEqual([]);
  });

  it("gives any other answer to the client's ack, with every argument before the ack as the data", async () => {
    const socket = await connect();
    await expect(socket.emitWithAck('unnamed', 'one')).resolves.toEqual({ echoed: 'one' });
    await expect(socket.emitWithAck('unnamed', 1, 2)).resolves.toEqual({ echoed: [1, 2] });
  });

  it('sends nothing for a handler that answers nothing', async () => {
    const socket = await connect();
    const gateway = app.get(EchoGateway);
    let acked = false;
    socket.emit('silent', 'quiet', () => {
      acked = true;
    });
    await new Promise((resolve) => setTimeout(resolve, SILENCE_MS));
    expect(gateway.heard).toContain('quiet');
    expect(acked).toBe(false);
  });

  it("reports a handler's exception to the sender as an exception event", async () => {
    const socket = await connect();
    const exception = nextEvent(socket, 'exception');
    socket.emit('refused', {});
    expect(await exception).toMatchObject({ status: 'error', message: 'Refused.' });
  });

  it('serves the handlers of every gateway on one socket, each message once', async () => {
    const socket = await connect();
    const pongs = collectEvents(socket, 'pong', SILENCE_MS);
    socket.emit('ping');
    socket.emit('named', 'x');
    expect(await nextEvent(socket, 'echo')).toBe('x');
    expect(await pongs).toEqual(['pong']);
  });
});
