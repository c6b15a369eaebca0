import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';

import { JwtKeySet, SessionStore, TokenSigner } from '@app/auth';
import { createRedisClient } from '@app/cache';
import type { chatbot } from '@app/contracts';
import { GRPC_LOADER_OPTIONS, protoFile, type ReadinessReport } from '@app/grpc';
import { NotificationEmitter } from '@app/queue';
import {
  collectEvents,
  createTestRedis,
  freePort,
  nextEvent,
  type TestRedis,
  withoutLatencies,
} from '@app/testing';
import {
  loadPackageDefinition,
  Server as GrpcServer,
  ServerCredentials,
  type sendUnaryData,
  type ServerUnaryCall,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type Redis from 'ioredis';
import { Emitter } from '@socket.io/redis-emitter';
import { io, type Socket } from 'socket.io-client';
import ioV2, { type SocketV2 } from 'socket.io-client-v2';

import { BuiltInChatBot } from '../../apps/im/src/chat/built-in.chat-bot';
import { CHATBOT_FAILURE_REPLY } from '../../apps/im/src/chat/chat.service';
import { CHATBOT_DEADLINE_MS, GrpcChatBot } from '../../apps/im/src/chat/grpc.chat-bot';
import { connectIm, imRefusal, startIm } from './support/im-app';
import { byConnectQuery, roundRobin, startReplicaRouter } from './support/replica-router';

const USER_ID = '1294287382374383616';
const OTHER_USER_ID = '1294287382374383617';
/** Chats with an allowance of its own. */
const ACK_USER_ID = '1294287382374383640';
const FROZEN_USER_ID = '1294287382374383618';
/** How long a socket must stay silent to count as "did not receive". */
const SILENCE_MS = 500;

type Query = Record<string, string>;

/** A socket of socket.io-client 2 or 4, as far as sending goes. */
interface Emitting {
  emit(event: string, ...args: unknown[]): unknown;
}

/** What im answers through the acknowledgement of a chat message sent with one. */
function acknowledged(socket: Emitting, payload: unknown, timeoutMs = 5000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack within ${timeoutMs} ms`)), timeoutMs);
    socket.emit('message', payload, (answer: unknown) => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}

// Booting two apps takes a few seconds; a hook that timed out would keep running and leak them.
jest.setTimeout(30_000);

interface PollingAnswer {
  status: number;
  allowedOrigin: string | string[] | undefined;
  allowCredentials: string | string[] | undefined;
  body: string;
}

/** One request of Engine.IO's HTTP long-polling transport, as a page on `origin` sends it. */
function poll(port: number, path: string, origin: string, body?: string): Promise<PollingAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          origin,
          ...(body === undefined ? {} : { 'content-type': 'text/plain;charset=UTF-8' }),
        },
      },
      (answer) => {
        let text = '';
        answer.setEncoding('utf8');
        answer.on('data', (chunk: string) => (text += chunk));
        answer.on('end', () =>
          resolve({
            status: answer.statusCode ?? 0,
            allowedOrigin: answer.headers['access-control-allow-origin'],
            allowCredentials: answer.headers['access-control-allow-credentials'],
            body: text,
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** A throwaway ChatBotService (chatbot.proto has no package); records requests, replies only if `answers`. */
async function startChatbotServer(
  port: number,
  received: chatbot.ReceivedMessage[],
  answers = true,
  /** Each call's deadline as the server read it, and when its handler ran (epoch ms). */
  deadlines: Array<{ deadline: number; at: number }> = [],
): Promise<GrpcServer> {
  const service = loadPackageDefinition(
    loadSync(protoFile('chatbot.proto'), GRPC_LOADER_OPTIONS),
  ).ChatBotService;
  if (typeof service !== 'function') throw new Error('ChatBotService missing');
  const server = new GrpcServer();
  server.addService(service.service, {
    Chatbot: (
      call: ServerUnaryCall<chatbot.ReceivedMessage, chatbot.ResponsedMessage>,
      callback: sendUnaryData<chatbot.ResponsedMessage>,
    ) => {
      received.push(call.request);
      deadlines.push({ deadline: Number(call.getDeadline()), at: Date.now() });
      if (!answers) return;
      callback(null, {
        userResponse: `bot heard: ${call.request.userMessage}`,
        createTime: 1_600_000_000,
      });
    },
  });
  await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return server;
}

describe('im: Socket.IO over the Redis adapter', () => {
  const keys = JwtKeySet.generate('im-e2e');
  const signer = new TokenSigner(keys);
  const received: chatbot.ReceivedMessage[] = [];
  const sockets: (Socket | SocketV2)[] = [];

  let redis: TestRedis;
  /** The state role with the test prefix, as the apps see it. */
  let state: Redis;
  let sessions: SessionStore;
  let chatbotServer: GrpcServer | undefined;
  let imA: NestFastifyApplication;
  let imB: NestFastifyApplication;
  let portA: number;
  let portB: number;

  /** A live session in the state Redis and its access token, as the user service's login makes. */
  const signIn = async (userId: string): Promise<{ token: string; sid: string }> => {
    const session = await sessions.create(userId, 'app', randomUUID());
    return { token: signer.signAccess(userId, session.sid), sid: session.sid };
  };
  const tokenFor = async (userId: string): Promise<string> => (await signIn(userId)).token;

  const connect = (port: number, query: Query, forwardedFor?: string): Promise<Socket> =>
    connectIm(sockets, port, query, forwardedFor);

  const refusal = (port: number, query: Query): Promise<string> => imRefusal(sockets, port, query);

  /** Both replicas' adapters listen on the request channel once their subscriptions are live. */
  const waitForAdapters = async (count: number): Promise<void> => {
    const channel = `${redis.prefix}socket.io-request#/#`;
    for (let attempt = 0; attempt < 50; attempt++) {
      const reply = await redis.client('state').call('PUBSUB', 'NUMSUB', channel);
      if (Array.isArray(reply) && Number(reply[1]) >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`fewer than ${count} adapters subscribed to ${channel}`);
  };

  beforeAll(async () => {
    redis = createTestRedis();
    state = createRedisClient(redis.stateUrl, redis.prefix);
    sessions = new SessionStore(state, 3600);
    const chatbotPort = await freePort();
    chatbotServer = await startChatbotServer(chatbotPort, received);
    ({ app: imA, port: portA } = await startIm(redis, { keySet: new JwtKeySet(keys.publicKeys) }));
    ({ app: imB, port: portB } = await startIm(
      redis,
      { keySet: new JwtKeySet(keys.publicKeys) },
      { CHATBOT_GRPC_URL: `127.0.0.1:${chatbotPort}` },
    ));
    await waitForAdapters(2);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await imA?.close();
    await imB?.close();
    chatbotServer?.forceShutdown();
    await state?.quit();
    await redis?.cleanup();
  });

  describe('handshake', () => {
    it('refuses an anonymous id that is too long', async () => {
      expect(await refusal(portA, { a: 'x'.repeat(65) })).toBe('User must be authorized.');
    });

    it('refuses a bad token, a token from another key and a refresh token', async () => {
      expect(await refusal(portA, { token: 'not.a.jwt' })).toBe('Token has some errors.');
      const stranger = new TokenSigner(JwtKeySet.generate('im-e2e')).signAccess(USER_ID, 's');
      expect(await refusal(portB, { token: stranger })).toBe('Token has some errors.');
      expect(await refusal(portA, { token: signer.signRefresh(USER_ID, 's').token })).toBe(
        'Do not use refresh token.',
      );
    });

    it('accepts a valid access token and an anonymous id', async () => {
      expect((await connect(portA, { token: await tokenFor(USER_ID) })).connected).toBe(true);
      expect((await connect(portB, { a: 'device-1' })).connected).toBe(true);
    });

    it('lets a page on another origin open and connect over long-polling, as the mobile web app does', async () => {
      const origin = 'http://localhost:8080';
      const handshake = await poll(
        portA,
        '/socket.io/?EIO=4&transport=polling&a=device-cors',
        origin,
      );
      expect(handshake).toMatchObject({ status: 200, allowedOrigin: origin });
      const { sid } = JSON.parse(handshake.body.slice(1)) as { sid: string };
      const path = `/socket.io/?EIO=4&transport=polling&a=device-cors&sid=${sid}`;
      // The namespace connect packet, then its answer.
      expect(await poll(portA, path, origin, '40')).toMatchObject({
        status: 200,
        allowedOrigin: origin,
        body: 'ok',
      });
      const connected = await poll(portA, path, origin);
      expect(connected).toMatchObject({ status: 200, allowedOrigin: origin });
      expect(connected.body).toMatch(/^40\{"sid":/);
      await poll(portA, path, origin, '1');
    });

    it('refuses the token of a session that was logged out or frozen', async () => {
      const loggedOut = await signIn(USER_ID);
      await sessions.revoke(loggedOut.sid, USER_ID);
      expect(await refusal(portA, { token: loggedOut.token })).toBe('Token has some errors.');
      const frozen = await tokenFor(FROZEN_USER_ID);
      await sessions.revokeAll(FROZEN_USER_ID, true);
      expect(await refusal(portB, { token: frozen })).toBe('User denied.');
    });
  });

  describe('notifications through @socket.io/redis-emitter', () => {
    it('reach the user on either replica and nobody else', async () => {
      const onB = await connect(portB, { token: await tokenFor(USER_ID) });
      const onA = await connect(portA, { token: await tokenFor(USER_ID) });
      const otherUser = await connect(portA, { token: await tokenFor(OTHER_USER_ID) });
      const impostor = await connect(portB, { a: USER_ID });
      const notification = {
        user_id: OTHER_USER_ID,
        user_name: 'follower',
        user_photo: 'http://img.test/p',
        timestamp: 1_700_000_000,
      };

      const silence = [
        collectEvents(otherUser, 'following notify', SILENCE_MS),
        collectEvents(impostor, 'following notify', SILENCE_MS),
      ];
      const arrivals = [nextEvent(onB, 'following notify'), nextEvent(onA, 'following notify')];
      new Emitter(redis.client('state'), { key: `${redis.prefix}socket.io` })
        .to(USER_ID)
        .emit('following notify', notification);

      expect(await Promise.all(arrivals)).toEqual([notification, notification]);
      expect(await Promise.all(silence)).toEqual([[], []]);
    });

    it("stop when their session ends: the user service closes that session's sockets, or every socket of a frozen user, on either replica", async () => {
      const emitter = new NotificationEmitter(state, redis.prefix);
      const ending = await signIn(OTHER_USER_ID);
      const ended = await connect(portA, { token: ending.token });
      const kept = await connect(portB, { token: await tokenFor(OTHER_USER_ID) });
      const closed = (socket: Socket) =>
        new Promise<string>((resolve) => socket.once('disconnect', resolve));

      const endedClosed = closed(ended);
      await sessions.revoke(ending.sid, OTHER_USER_ID);
      await emitter.disconnectSession(ending.sid);
      expect(await endedClosed).toBe('io server disconnect');
      expect(kept.connected).toBe(true);
      const arrival = nextEvent(kept, 'following notify');
      await emitter.notifyFollowing(OTHER_USER_ID, {
        user_id: USER_ID,
        user_name: 'u',
        user_photo: 'p',
        timestamp: 1,
      });
      expect(await arrival).toMatchObject({ user_id: USER_ID });

      const keptClosed = closed(kept);
      await sessions.revokeAll(OTHER_USER_ID, true);
      await emitter.disconnectUser(OTHER_USER_ID);
      expect(await keptClosed).toBe('io server disconnect');
    });

    it('stay within this deployment: another key prefix reaches nobody', async () => {
      const socket = await connect(portB, { token: await tokenFor(USER_ID) });
      const heard = collectEvents(socket, 'liking notify', SILENCE_MS);
      new Emitter(redis.client('state'), { key: 'someone-else:socket.io' })
        .to(USER_ID)
        .emit('liking notify', { art_id: '1' });
      expect(await heard).toEqual([]);
    });
  });

  describe('two replicas behind one address (the Ingress of k8s/base/ingress.yaml)', () => {
    /** A client as the app's: HTTP long-polling first, then the upgrade to WebSocket. */
    const openPolling = (port: number, query: Query, upgrade: boolean): Socket => {
      const socket = io(`http://127.0.0.1:${port}`, {
        query,
        upgrade,
        reconnection: false,
        forceNew: true,
      });
      sockets.push(socket);
      return socket;
    };

    it('pins a client to one replica by its connect query: it connects, upgrades and is notified', async () => {
      const router = await startReplicaRouter([portA, portB], byConnectQuery(2));
      try {
        const socket = openPolling(router.port, { token: await tokenFor(USER_ID) }, true);
        await nextEvent(socket, 'connect');
        // The upgrade may be done by the time the connect event is handled.
        const { engine } = socket.io;
        if (engine.transport.name !== 'websocket') {
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error('no upgrade within 5 s')), 5000);
            engine.once('upgrade', () => {
              clearTimeout(timer);
              resolve();
            });
          });
        }
        expect(engine.transport.name).toBe('websocket');

        const notification = {
          user_id: OTHER_USER_ID,
          user_name: 'follower',
          user_photo: '',
          timestamp: 1_700_000_000,
        };
        const arrival = nextEvent(socket, 'following notify');
        new Emitter(redis.client('state'), { key: `${redis.prefix}socket.io` })
          .to(USER_ID)
          .emit('following notify', notification);
        expect(await arrival).toEqual(notification);
        // The handshake, its polls and the upgrade all went to the same replica.
        expect(router.routed.filter((count) => count > 0)).toHaveLength(1);
        expect(Math.max(...router.routed)).toBeGreaterThanOrEqual(3);
      } finally {
        await router.close();
      }
    });

    it('fails the polling handshake when requests are spread over the replicas', async () => {
      const router = await startReplicaRouter([portA, portB], roundRobin(2));
      try {
        const socket = openPolling(router.port, { a: 'device-spread' }, false);
        const outcome = await new Promise<string>((resolve) => {
          socket.once('connect', () => resolve('connected'));
          socket.once('connect_error', (error) => resolve(`connect_error: ${error.message}`));
          socket.once('disconnect', (reason) => resolve(`disconnect: ${reason}`));
        });
        // The second request carries a session id the other replica never issued: 400 `Session ID unknown`.
        expect(outcome).toMatch(/^connect_error: xhr (post|poll) error$/);
        expect(router.routed.every((count) => count > 0)).toBe(true);
      } finally {
        await router.close();
      }
    });
  });

  describe("toutiao-m's own client: socket.io-client 2 (Engine.IO 3), long-polling first", () => {
    /**
     * As toutiao-m opens its sockets, with its default transports: `io(url)` on the chat page
     * (`views/user-chat`), `io(url, { query: { token } })` for notifications (`notify-test.js`).
     */
    const openV2 = (port: number, query?: Query): SocketV2 => {
      const socket = ioV2(`http://127.0.0.1:${port}`, {
        ...(query === undefined ? {} : { query }),
        reconnection: false,
        forceNew: true,
      });
      sockets.push(socket);
      return socket;
    };
    const connectV2 = (port: number, query?: Query): Promise<SocketV2> => {
      const socket = openV2(port, query);
      return new Promise((resolve, reject) => {
        socket.once('connect', () => resolve(socket));
        socket.once('connect_error', reject);
        socket.once('error', (error) => reject(new Error(`refused: ${String(error)}`)));
      });
    };
    /** What a refused client hears: Engine.IO 3 clients get the reason as an `error` event. */
    const refusalV2 = (port: number, query: Query): Promise<unknown> => {
      const socket = openV2(port, query);
      return new Promise((resolve, reject) => {
        socket.once('connect', () => reject(new Error('connection was accepted')));
        socket.once('connect_error', reject);
        socket.once('error', resolve);
      });
    };
    const liking = {
      user_id: OTHER_USER_ID,
      user_name: 'reader',
      user_photo: 'http://img.test/r',
      art_id: '1294287382374383999',
      art_title: 'title',
      timestamp: 1_700_000_000,
    };

    it('lets the app long-poll from its own origin with credentials, as engine.io-client 3 does', async () => {
      const origin = 'http://localhost:8080';
      const handshake = await poll(
        portA,
        `/socket.io/?EIO=3&transport=polling&t=Pabc&token=${await tokenFor(USER_ID)}`,
        origin,
      );
      expect(handshake).toMatchObject({
        status: 200,
        allowedOrigin: origin,
        allowCredentials: 'true',
      });
    });

    it('connects with a token in the query and gets each notification once on every socket of the user, on either replica, and nobody else', async () => {
      const emitter = new NotificationEmitter(state, redis.prefix);
      const own = [
        await connectV2(portA, { token: await tokenFor(USER_ID) }),
        await connectV2(portA, { token: await tokenFor(USER_ID) }),
        await connectV2(portB, { token: await tokenFor(USER_ID) }),
      ];
      const others = [
        await connectV2(portB, { token: await tokenFor(OTHER_USER_ID) }),
        await connectV2(portA, { a: USER_ID }),
        await connectV2(portB, { a: 'device-v2' }),
      ];
      const heard = [...own, ...others].map((socket) =>
        collectEvents(socket, 'liking notify', 2 * SILENCE_MS),
      );
      await emitter.notifyLiking(USER_ID, liking);
      expect(await Promise.all(heard)).toEqual([[liking], [liking], [liking], [], [], []]);
    });

    it("answers the chat page's socket (no query) with the bot's {msg, timestamp} in seconds, to it alone", async () => {
      const chat = await connectV2(portA);
      const bystanders = [
        await connectV2(portA),
        await connectV2(portB, { token: await tokenFor(USER_ID) }),
      ];
      const silence = bystanders.map((socket) => collectEvents(socket, 'message', SILENCE_MS));
      const reply = nextEvent(chat, 'message');
      // The page's own payload: its text, Date.now() and what it shows beside the bubble.
      chat.emit('message', {
        msg: '你好',
        timestamp: Date.now(),
        userId: USER_ID,
        photo: 'http://toutiao.meiduo.site/FlOAkWHoU8lnYwU6eCEPN-dHINHl',
      });
      const answer = (await reply) as Record<string, unknown>;
      expect(Object.keys(answer).sort()).toEqual(['msg', 'timestamp']);
      expect(answer.msg).toBe(BuiltInChatBot.GREETING);
      expect(Number.isInteger(answer.timestamp)).toBe(true);
      expect(Math.abs(Number(answer.timestamp) - Date.now() / 1000)).toBeLessThan(10);
      expect(await Promise.all(silence)).toEqual([[], []]);
    });

    it('refuses a bad, expired or logged-out token', async () => {
      const expired = new TokenSigner(keys, { accessSeconds: -10, refreshSeconds: 60 });
      const loggedOut = await signIn(USER_ID);
      await sessions.revoke(loggedOut.sid, USER_ID);
      expect(await refusalV2(portA, { token: 'not.a.jwt' })).toBe('Token has some errors.');
      expect(await refusalV2(portB, { token: expired.signAccess(USER_ID, 's') })).toBe(
        'Token has some errors.',
      );
      expect(await refusalV2(portA, { token: loggedOut.token })).toBe('Token has some errors.');
    });

    it('is closed when its session ends', async () => {
      const session = await signIn(OTHER_USER_ID);
      const socket = await connectV2(portB, { token: session.token });
      const closed = nextEvent(socket, 'disconnect');
      await sessions.revoke(session.sid, OTHER_USER_ID);
      await new NotificationEmitter(state, redis.prefix).disconnectSession(session.sid);
      expect(await closed).toBe('io server disconnect');
    });

    it('answers a message of the wrong shape with an exception to the sender alone, and keeps chatting', async () => {
      const sender = await connectV2(portA, { token: await tokenFor(USER_ID) });
      const bystander = await connectV2(portA, { token: await tokenFor(USER_ID) });
      const overheard = collectEvents(bystander, 'message', 3 * SILENCE_MS);
      const exceptions = collectEvents(sender, 'exception', 2 * SILENCE_MS);
      const replies = collectEvents(sender, 'message', 2 * SILENCE_MS);
      sender.emit('message', '你好');
      sender.emit('message');
      sender.emit('message', { msg: 5, timestamp: 'now' });
      sender.emit('message', null);
      expect(await exceptions).toEqual([
        { message: { msg: 'Missing msg.' } },
        { message: { msg: 'Missing msg.' } },
        {
          message: {
            msg: 'msg must be 1 to 500 characters.',
            timestamp: 'timestamp must be seconds or milliseconds since the epoch.',
          },
        },
        { message: { msg: 'Missing msg.' } },
      ]);
      expect(await replies).toEqual([]);
      const reply = nextEvent(sender, 'message');
      sender.emit('message', { msg: '谢谢', timestamp: Date.now() });
      expect(await reply).toMatchObject({ msg: BuiltInChatBot.THANKS });
      expect(await overheard).toEqual([]);
    });

    it('answers a message sent with an acknowledgement through it as well as with the event, and a refusal too', async () => {
      const chat = await connectV2(portA, { token: await tokenFor(ACK_USER_ID) });
      const reply = nextEvent(chat, 'message');
      const ack = acknowledged(chat, { msg: '你好', timestamp: Date.now() });
      const answer = await reply;
      expect(answer).toMatchObject({ msg: BuiltInChatBot.GREETING });
      expect(await ack).toEqual(answer);

      const exception = nextEvent(chat, 'exception');
      expect(await acknowledged(chat, { msg: 5 })).toEqual({
        message: { msg: 'msg must be 1 to 500 characters.' },
      });
      expect(await exception).toEqual({ message: { msg: 'msg must be 1 to 500 characters.' } });
    });

    it('stays on one replica behind the Ingress while it long-polls and upgrades, with a token or with no query', async () => {
      const router = await startReplicaRouter([portA, portB], byConnectQuery(2));
      const upgraded = (socket: SocketV2): Promise<void> =>
        socket.io.engine.transport.name === 'websocket'
          ? Promise.resolve()
          : new Promise((resolve) => socket.io.engine.once('upgrade', resolve));
      try {
        const notified = await connectV2(router.port, { token: await tokenFor(USER_ID) });
        const chat = await connectV2(router.port);
        await Promise.all([upgraded(notified), upgraded(chat)]);
        const arrival = nextEvent(notified, 'liking notify');
        await new NotificationEmitter(state, redis.prefix).notifyLiking(USER_ID, liking);
        expect(await arrival).toEqual(liking);
        // A poll sent to the other replica would have ended it (`Session ID unknown`).
        expect([notified, chat].map((socket) => socket.io.engine.transport.name)).toEqual([
          'websocket',
          'websocket',
        ]);
        expect(chat.connected).toBe(true);
      } finally {
        await router.close();
      }
    });

    it("does not let a client into another user's room by naming it, nor notify them itself", async () => {
      const emitter = new NotificationEmitter(state, redis.prefix);
      const victim = await connectV2(portB, { token: await tokenFor(USER_ID) });
      const intruders = [
        await connectV2(portA, { a: USER_ID }),
        await connectV2(portB, { a: `session:${USER_ID}` }),
        await connectV2(portA, { token: await tokenFor(OTHER_USER_ID), a: USER_ID }),
      ];
      const forged = collectEvents(victim, 'following notify', SILENCE_MS);
      for (const socket of intruders) {
        for (const event of ['join', 'subscribe', 'enter_room', 'join_room'])
          socket.emit(event, USER_ID);
        socket.emit('following notify', { user_id: OTHER_USER_ID, room: USER_ID });
      }
      const heard = intruders.map((socket) => collectEvents(socket, 'comment notify', SILENCE_MS));
      const delivered = nextEvent(victim, 'comment notify');
      await emitter.notifyComment(USER_ID, liking);
      expect(await delivered).toEqual(liking);
      expect(await Promise.all(heard)).toEqual([[], [], []]);
      expect(await forged).toEqual([]);
      expect(intruders.every((socket) => socket.connected)).toBe(true);
    });
  });

  describe('chat with the built-in bot', () => {
    it('answers the sender with a message whose timestamp is in seconds', async () => {
      const socket = await connect(portA, { token: await tokenFor(USER_ID) });
      const reply = nextEvent(socket, 'message');
      socket.emit('message', { msg: '你好', timestamp: Date.now() });
      const answer = (await reply) as { msg: unknown; timestamp: unknown };
      expect(answer.msg).toBe('你好，我是头条小助手，有什么可以帮你的吗？');
      expect(Number.isInteger(answer.timestamp)).toBe(true);
      expect(Math.abs(Number(answer.timestamp) - Date.now() / 1000)).toBeLessThan(10);
    });

    it('reports an invalid message to the sender as an exception', async () => {
      const socket = await connect(portA, { a: 'device-2' });
      const exception = nextEvent(socket, 'exception');
      const replies = collectEvents(socket, 'message', SILENCE_MS);
      socket.emit('message', { msg: '', timestamp: Date.now() });
      expect(await exception).toEqual({ message: { msg: 'msg must be 1 to 500 characters.' } });
      expect(await replies).toEqual([]);
    });

    it('answers a message sent with an acknowledgement through it as well, with the payload of the message event', async () => {
      const socket = await connect(portA, { a: 'device-ack' }, '203.0.113.51');
      const reply = nextEvent(socket, 'message');
      const ack = acknowledged(socket, { msg: '你好', timestamp: Date.now() });
      const answer = await reply;
      expect(answer).toMatchObject({ msg: BuiltInChatBot.GREETING });
      expect(await ack).toEqual(answer);
    });

    it('gives a refused message sent with an acknowledgement its refusal through it as well', async () => {
      const socket = await connect(portA, { a: 'device-ack-refused' }, '203.0.113.52');
      const exception = nextEvent(socket, 'exception');
      expect(await acknowledged(socket, { msg: '' })).toEqual({
        message: { msg: 'msg must be 1 to 500 characters.' },
      });
      expect(await exception).toEqual({ message: { msg: 'msg must be 1 to 500 characters.' } });

      // Far over the burst of 10: the refusal holds however slowly these are sent.
      for (let n = 0; n < 20; n++) socket.emit('message', { msg: `第${n}条` });
      const refusals = collectEvents(socket, 'exception', SILENCE_MS);
      expect(await acknowledged(socket, { msg: '还在吗' })).toEqual({
        message: 'Too many requests.',
      });
      expect(await refusals).toContainEqual({ message: 'Too many requests.' });
    });

    it('closes a socket that sends a frame over 64 KiB, where a chat message holds 500 characters', async () => {
      const socket = await connect(portA, { a: 'device-oversized' });
      const closed = nextEvent(socket, 'disconnect', 2000);
      const exceptions = collectEvents(socket, 'exception', SILENCE_MS);
      socket.emit('message', { msg: '长'.repeat(64 * 1024) });
      expect(await closed).toBe('transport close');
      expect(await exceptions).toEqual([]);
    });

    it('answers a burst of 10 messages a socket, then one a second, and refuses the rest', async () => {
      // An address of its own: the other anonymous sockets here share 127.0.0.1's allowance.
      const socket = await connect(portA, { a: 'device-flood' }, '203.0.113.50');
      const replies = collectEvents(socket, 'message', SILENCE_MS);
      const exceptions = collectEvents(socket, 'exception', SILENCE_MS);
      for (let n = 0; n < 15; n++) socket.emit('message', { msg: `第${n}条` });
      expect(await replies).toHaveLength(10);
      expect(await exceptions).toEqual(Array(5).fill({ message: 'Too many requests.' }));

      // One and a half messages earned back: one more is answered, the next refused.
      await new Promise((resolve) => setTimeout(resolve, 1500 - SILENCE_MS));
      const next = collectEvents(socket, 'message', SILENCE_MS);
      socket.emit('message', { msg: '还在吗' });
      socket.emit('message', { msg: '还在吗' });
      expect(await next).toHaveLength(1);
    });
  });

  describe('health', () => {
    it('is live and ready while the state Redis answers', async () => {
      expect((await fetch(`http://127.0.0.1:${portA}/health/live`)).status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${portB}/health/ready`);
      expect(ready.status).toBe(200);
      expect(withoutLatencies((await ready.json()) as ReadinessReport)).toEqual({
        status: 'ok',
        checks: { stateRedis: { status: 'up', required: true } },
      });
    });
  });

  describe('shutdown', () => {
    it('answers the chat messages it took before it closes its sockets', async () => {
      let heard!: () => void;
      const asked = new Promise<void>((resolve) => (heard = resolve));
      const slowBot = {
        reply: async (request: chatbot.ReceivedMessage): Promise<chatbot.ResponsedMessage> => {
          heard();
          await new Promise((resolve) => setTimeout(resolve, 500));
          return { userResponse: `late: ${request.userMessage}`, createTime: 1_600_000_000 };
        },
      };
      const { app: stopping, port } = await startIm(redis, {
        keySet: new JwtKeySet(keys.publicKeys),
        chatBot: slowBot,
      });
      const socket = await connect(port, { a: 'device-at-shutdown' });
      const events: string[] = [];
      socket.on('message', (reply: { msg: string }) => events.push(reply.msg));
      const closed = new Promise((resolve) => socket.once('disconnect', resolve));
      socket.on('disconnect', () => events.push('disconnect'));
      socket.emit('message', { msg: '你好' });
      await asked;
      await stopping.close();
      await closed;
      expect(events).toEqual(['late: 你好', 'disconnect']);
    });
  });

  describe('chat with a gRPC ChatBotService', () => {
    it('relays the external bot answer, then the oops text once the bot is gone', async () => {
      const socket = await connect(portB, { token: await tokenFor(USER_ID) });
      const first = nextEvent(socket, 'message');
      socket.emit('message', { msg: '今天天气', timestamp: 1_700_000_123_456 });
      expect(await first).toEqual({ msg: 'bot heard: 今天天气', timestamp: 1_600_000_000 });
      expect(received).toEqual([
        { userId: USER_ID, userMessage: '今天天气', createTime: 1_700_000_123 },
      ]);

      chatbotServer?.forceShutdown();
      chatbotServer = undefined;
      const second = nextEvent(socket, 'message', 10_000);
      socket.emit('message', { msg: '还在吗', timestamp: 1_700_000_200 });
      const answer = (await second) as { msg: unknown; timestamp: unknown };
      expect(answer.msg).toBe(CHATBOT_FAILURE_REPLY);
      expect(answer.msg).toBe('oops，我病了，容我缓一下...');
      expect(Math.abs(Number(answer.timestamp) - Date.now() / 1000)).toBeLessThan(10);
      expect(received).toHaveLength(1);
    });

    it('gives up after its deadline (3 s by default) when the bot does not answer', async () => {
      expect(CHATBOT_DEADLINE_MS).toBe(3000);
      const heard: chatbot.ReceivedMessage[] = [];
      const deadlines: Array<{ deadline: number; at: number }> = [];
      const port = await freePort();
      const silent = await startChatbotServer(port, heard, false, deadlines);
      const bot = new GrpcChatBot(`127.0.0.1:${port}`, 300);
      try {
        const started = Date.now();
        await expect(
          bot.reply({ userId: USER_ID, userMessage: 'hi', createTime: 1 }),
        ).rejects.toMatchObject({
          code: 4, // DEADLINE_EXCEEDED
        });
        expect(heard).toHaveLength(1);
        // The deadline given, 300 ms from the call (grpc-timeout is sent in whole ms), however long
        // the call took to reach the bot.
        const [{ deadline, at }] = deadlines;
        expect(deadline).toBeGreaterThanOrEqual(started + 300 - 3);
        expect(deadline).toBeLessThanOrEqual(at + 300 + 3);
      } finally {
        bot.onApplicationShutdown();
        silent.forceShutdown();
      }
    });
  });
});
