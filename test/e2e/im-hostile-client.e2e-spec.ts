import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';

import { JwtKeySet, SessionStore, TokenSigner } from '@app/auth';
import { createRedisClient } from '@app/cache';
import type { chatbot } from '@app/contracts';
import { GRPC_LOADER_OPTIONS, protoFile } from '@app/grpc';
import { createTestRedis, eventually, freePort, type TestRedis } from '@app/testing';
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
import type { Socket } from 'socket.io-client';
import WebSocket from 'ws';

import { connectIm, startIm } from './support/im-app';

jest.setTimeout(30_000);

/** A ChatBotService (chatbot.proto has no package) that records what it is sent. */
async function startChatbotServer(
  received: string[],
): Promise<{ server: GrpcServer; url: string }> {
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
      received.push(call.request.userMessage);
      callback(null, { userResponse: `bot heard: ${call.request.userMessage}`, createTime: 1 });
    },
  });
  const url = `127.0.0.1:${await freePort()}`;
  await new Promise<number>((resolve, reject) =>
    server.bindAsync(url, ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return { server, url };
}

/**
 * An Engine.IO 4 connection written by hand, as a hostile client writes it: the query string as
 * given, and Socket.IO packets as raw text frames. `frames` holds every text frame im sent.
 */
class RawConnection {
  readonly frames: string[] = [];
  closed = false;
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => this.frames.push(data.toString()));
    ws.on('close', () => (this.closed = true));
  }

  static async open(port: number, query: string): Promise<RawConnection> {
    const ws = new WebSocket(
      `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket&${query}`,
    );
    const connection = new RawConnection(ws);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return connection;
  }

  send(frame: string | Buffer): void {
    this.ws.send(frame);
  }

  /** Socket.IO packets of `type` im sent: 40 CONNECT, 44 CONNECT_ERROR, 42 EVENT. */
  packets(type: '40' | '44' | '42'): string[] {
    return this.frames.filter((frame) => frame.startsWith(type)).map((frame) => frame.slice(2));
  }

  close(): void {
    this.ws.close();
  }
}

/**
 * One request of Engine.IO 4's long-polling transport: a GET reads what im queued for the
 * connection, a POST sends packets (joined by the record separator).
 */
function poll(
  port: number,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: body === undefined ? 'GET' : 'POST',
        headers,
        // No keep-alive: a pooled connection would outlive the test.
        agent: false,
      },
      (answer) => {
        let text = '';
        answer.setEncoding('utf8');
        answer.on('data', (chunk: string) => (text += chunk));
        answer.on('end', () =>
          answer.statusCode === 200
            ? resolve(text)
            : reject(new Error(`${answer.statusCode} ${text}`)),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

describe('im against hostile clients (e2e)', () => {
  const keys = JwtKeySet.generate('im-hostile');
  const signer = new TokenSigner(keys);
  const received: string[] = [];
  const sockets: Socket[] = [];
  const raw: RawConnection[] = [];
  let redis: TestRedis;
  let state: Redis;
  let sessions: SessionStore;
  let chatbotServer: GrpcServer;
  let app: NestFastifyApplication;
  let port: number;

  const tokenFor = async (userId: string): Promise<string> => {
    const session = await sessions.create(userId, 'app', randomUUID());
    return signer.signAccess(userId, session.sid);
  };

  const openRaw = async (query: string): Promise<RawConnection> => {
    const connection = await RawConnection.open(port, query);
    raw.push(connection);
    return connection;
  };

  /** What im answers a CONNECT packet on a connection opened with `query`: a sid or a refusal. */
  const handshake = async (query: string): Promise<string> => {
    const connection = await openRaw(query);
    connection.send('40');
    const [answer] = await eventually(
      () => [...connection.packets('40'), ...connection.packets('44')],
      (answers) => answers.length > 0,
      'an answer to CONNECT',
      5000,
      20,
    );
    return answer.startsWith('{"sid"')
      ? 'connected'
      : (JSON.parse(answer) as { message: string }).message;
  };

  beforeAll(async () => {
    redis = createTestRedis();
    state = createRedisClient(redis.stateUrl, redis.prefix);
    sessions = new SessionStore(state, 3600);
    const bot = await startChatbotServer(received);
    chatbotServer = bot.server;
    ({ app, port } = await startIm(
      redis,
      { keySet: new JwtKeySet(keys.publicKeys) },
      { LOG_LEVEL: 'silent', CHATBOT_GRPC_URL: bot.url },
    ));
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const connection of raw) connection.close();
    await app?.close();
    chatbotServer?.forceShutdown();
    await state?.quit();
    await redis?.cleanup();
  });

  it('gives a connection one socket, however many CONNECT packets it sends', async () => {
    const connection = await openRaw(`token=${await tokenFor('1294287382374385001')}`);
    for (let n = 0; n < 200; n++) connection.send('40');
    await eventually(
      () => connection.packets('40').length + connection.packets('44').length,
      (answers) => answers === 200,
      'an answer to each CONNECT',
      5000,
      20,
    );
    expect(connection.packets('40')).toHaveLength(1);

    connection.send('42["message",{"msg":"你好"}]');
    await eventually(
      () => connection.packets('42'),
      (events) => events.length > 0,
      'the answer',
      5000,
      20,
    );
    expect(JSON.parse(connection.packets('42')[0])).toEqual([
      'message',
      { msg: 'bot heard: 你好', timestamp: 1 },
    ]);
  });

  it('refuses a token or an anonymous id given twice, not only the last of them', async () => {
    const token = await tokenFor('1294287382374385002');
    expect(await handshake(`token=${token}`)).toBe('connected');
    expect(await handshake(`token=${token}&token=`)).toBe('Token has some errors.');
    expect(await handshake(`token=not.a.jwt&token=${token}`)).toBe('Token has some errors.');
    expect(await handshake('a=device-1&a=device-2')).toBe('User must be authorized.');
  });

  it('refuses an anonymous id holding NUL or another control character but tab and line breaks', async () => {
    expect(await handshake('a=device%001')).toBe('User must be authorized.');
    expect(await handshake('a=device%1B1')).toBe('User must be authorized.');
    expect(await handshake('a=device%C2%9B1')).toBe('User must be authorized.');
    expect(await handshake('a=device%091')).toBe('connected');
  });

  it('refuses a message holding half an emoji, which the bot would have got as U+FFFD', async () => {
    const socket = await connectIm(sockets, port, { a: 'device-1' }, '203.0.113.20');
    const answer = new Promise((resolve) => {
      socket.once('message', (reply: unknown) => resolve({ message: reply }));
      socket.once('exception', (refusal: unknown) => resolve({ exception: refusal }));
    });
    socket.emit('message', { msg: '半个表情\ud83d' });
    expect(await answer).toEqual({
      exception: { message: { msg: 'msg must be whole characters.' } },
    });
    expect(received).not.toContainEqual(expect.stringContaining('半个表情'));
  });

  it('closes a connection that sends a binary packet, which no chat message needs, where im held up to 10 attachments of 64 KiB each for it', async () => {
    const header = '451-["message",{"msg":{"_placeholder":true,"num":0}}]';
    const connected = async (): Promise<RawConnection> => {
      const connection = await openRaw('a=device-binary');
      connection.send('40');
      await eventually(
        () => connection.packets('40'),
        (answers) => answers.length > 0,
        'CONNECT',
        5000,
        20,
      );
      return connection;
    };
    const closed = (connection: RawConnection): Promise<boolean> =>
      eventually(
        () => connection.closed,
        (done) => done,
        'the connection closed',
        3000,
        20,
      );

    const declared = await connected();
    declared.send(header);
    expect(await closed(declared)).toBe(true);

    const attached = await connected();
    attached.send(Buffer.from('附件'));
    expect(await closed(attached)).toBe(true);

    const chatting = await connected();
    chatting.send('42["message",{"msg":"你好"}]');
    await eventually(
      () => chatting.packets('42'),
      (events) => events.length > 0,
      'the answer',
      5000,
      20,
    );
    expect(chatting.closed).toBe(false);
  });

  it('closes a socket whose own limit refused 100 of its messages at once, where a client that never read had im queue every refusal', async () => {
    // A client that posts messages and never polls for the answers.
    const headers = { 'x-forwarded-for': '203.0.113.21' };
    const open = await poll(port, '/socket.io/?EIO=4&transport=polling&a=device-1', headers);
    const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
    const path = `/socket.io/?EIO=4&transport=polling&a=device-1&sid=${sid}`;
    await poll(port, path, headers, '40');
    expect(await poll(port, path, headers)).toMatch(/^40\{"sid"/);
    await poll(port, path, headers, Array(1000).fill('42["message",{"msg":"刷屏"}]').join('\x1e'));

    const queued = (await poll(port, path, headers)).split('\x1e');
    expect(
      queued.filter((packet) => packet.includes('Too many requests.')).length,
    ).toBeLessThanOrEqual(100);
    expect(queued).toContain('41');
    // The poll that takes Engine.IO's close packet.
    expect((await poll(port, path, headers)).split('\x1e')).toContain('1');
  });
});
