import { request as httpRequest } from 'node:http';
import { connect as netConnect } from 'node:net';

import { JwtKeySet } from '@app/auth';
import {
  collectEvents,
  createTestRedis,
  eventually,
  nextEvent,
  type TestRedis,
} from '@app/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Socket } from 'socket.io-client';
import ioV2, { type SocketV2 } from 'socket.io-client-v2';
import WebSocket from 'ws';

import { connectIm, openImSocket, type SocketQuery, startIm } from './support/im-app';

jest.setTimeout(30_000);

const CAP = 3;
/** Engine.IO's answer to a long-polling handshake over the cap. */
const REFUSED = '403 {"code":4,"message":"Too many connections."}';
/** socket.io-client 2 waits 1 s before its first reconnection attempt, 5 s at most after. */
const V2_RECONNECTION_DELAY_MAX_MS = 5000;

/** One Engine.IO long-polling request: a GET, or a POST of `body`; what im answered. */
function poll(
  port: number,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      // No keep-alive: a pooled connection would outlive the test.
      {
        host: '127.0.0.1',
        port,
        path,
        method: body === undefined ? 'GET' : 'POST',
        headers,
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

/** What im answered an Engine.IO handshake: 'open', or the refusal's status and body. */
type EngineAnswer = string;

interface EngineVariant {
  eio: '3' | '4';
  transport: 'websocket' | 'polling';
  address: string;
}

/**
 * No CONNECT is sent on these; an Engine.IO 3 connection connects its socket by itself, which im
 * refuses for the token (Socket.IO's connect timeout closes the connection after 45 s).
 */
const ENGINE_VARIANTS: EngineVariant[] = [
  { eio: '4', transport: 'websocket', address: '203.0.113.70' },
  { eio: '4', transport: 'polling', address: '203.0.113.71' },
  { eio: '3', transport: 'websocket', address: '203.0.113.72' },
  { eio: '3', transport: 'polling', address: '203.0.113.73' },
];

describe('im caps the sockets of one caller address (e2e)', () => {
  const keys = JwtKeySet.generate('im-connection-cap');
  const sockets: (Socket | SocketV2)[] = [];
  const raw: WebSocket[] = [];
  let redis: TestRedis;
  let app: NestFastifyApplication;
  let port: number;

  beforeAll(async () => {
    redis = createTestRedis();
    ({ app, port } = await startIm(
      redis,
      { keySet: new JwtKeySet(keys.publicKeys) },
      { LOG_LEVEL: 'silent', IM_MAX_CONNECTIONS_PER_IP: String(CAP) },
    ));
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const ws of raw) ws.terminate();
    await app?.close();
    await redis?.cleanup();
  });

  /** A socket from `forwardedFor`, the caller's address as the Ingress appended it. */
  const connectFrom = (forwardedFor: string, query: SocketQuery = { a: 'device' }) =>
    connectIm(sockets, port, query, forwardedFor);

  /** The message im refuses the handshake of a socket from `forwardedFor` with. */
  const refusalFrom = (forwardedFor: string, query: SocketQuery = { a: 'device' }) => {
    const socket = openImSocket(sockets, port, query, forwardedFor);
    return new Promise<string>((resolve, reject) => {
      socket.once('connect', () => reject(new Error('connection was accepted')));
      socket.once('connect_error', (error: Error) => resolve(error.message));
    });
  };

  /** A socket over a WebSocket written by hand, to be dropped without a close frame. */
  const connectRaw = async (forwardedFor: string): Promise<WebSocket> => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket&a=raw`, {
      headers: { 'x-forwarded-for': forwardedFor },
    });
    raw.push(ws);
    const frames: string[] = [];
    ws.on('message', (data: Buffer) => frames.push(data.toString()));
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.send('40');
    await eventually(
      () => frames.filter((frame) => frame.startsWith('40') || frame.startsWith('44')),
      (answers) => answers.length > 0,
      'an answer to CONNECT',
      5000,
      20,
    );
    expect(frames.find((frame) => frame.startsWith('40'))).toMatch(/^40\{"sid"/);
    return ws;
  };

  /** An Engine.IO connection from `address` that sends no CONNECT: kept open while it answers. */
  const openEngine = ({ eio, transport, address }: EngineVariant): Promise<EngineAnswer> => {
    const path = `/socket.io/?EIO=${eio}&transport=${transport}&token=not.a.jwt`;
    const headers = { 'x-forwarded-for': address };
    if (transport === 'polling')
      return poll(port, path, headers).then(
        () => 'open',
        (error: Error) => error.message,
      );
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers });
    raw.push(ws);
    // Engine.IO 4 pings, Engine.IO 3 is pinged: either way the connection looks alive.
    ws.on('message', (data: Buffer) => {
      if (data.toString() === '2') ws.send('3');
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve('open'));
      ws.once('unexpected-response', (_request, answer) => {
        let text = '';
        answer.setEncoding('utf8');
        answer.on('data', (chunk: string) => (text += chunk));
        answer.on('end', () => resolve(`${answer.statusCode} ${text}`));
      });
      ws.once('error', reject);
    });
  };

  /** Engine.IO's answer to a long-polling handshake from `forwardedFor`. */
  const handshakeFrom = (forwardedFor: string): Promise<EngineAnswer> =>
    openEngine({ eio: '4', transport: 'polling', address: forwardedFor });

  /** The statuses of `count` long-polling handshakes sent in one write on one connection (pipelined). */
  const pipelinedHandshakes = (count: number, forwardedFor: string): Promise<number[]> =>
    new Promise((resolve, reject) => {
      const handshake =
        'GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
        `X-Forwarded-For: ${forwardedFor}\r\n\r\n`;
      const connection = netConnect(port, '127.0.0.1', () =>
        connection.write(handshake.repeat(count)),
      );
      let answers = '';
      connection.setEncoding('utf8');
      connection.on('data', (chunk: string) => {
        answers += chunk;
        const statuses = [...answers.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map(([, status]) =>
          Number(status),
        );
        if (statuses.length < count) return;
        connection.destroy();
        resolve(statuses);
      });
      connection.on('error', reject);
    });

  it.each(ENGINE_VARIANTS)(
    'refuses at its handshake an Engine.IO connection (EIO=$eio, $transport) more than the cap from an address, though none of them holds a socket',
    async (variant) => {
      const answers: EngineAnswer[] = [];
      for (let n = 0; n < CAP + 2; n++) answers.push(await openEngine(variant));
      const refused = variant.transport === 'polling' ? REFUSED : '400 Too many connections.';
      expect(answers).toEqual([...Array<EngineAnswer>(CAP).fill('open'), refused, refused]);
      // Another address is not held back by this one.
      expect(await openEngine({ ...variant, address: `${variant.address}1` })).toBe('open');
    },
  );

  it('refuses one socket more than the cap from an address, whatever the client wrote before the entry the Ingress appended', async () => {
    for (let n = 0; n < CAP; n++) await connectFrom('203.0.113.60');
    // Refused at the WebSocket handshake: socket.io-client 4 gets a `connect_error`.
    expect(await refusalFrom('203.0.113.60')).toBe('websocket error');
    expect(await handshakeFrom('203.0.113.60')).toBe(REFUSED);
    expect(await handshakeFrom('198.51.100.7, 203.0.113.60')).toBe(REFUSED);
    await connectFrom('203.0.113.61');
  });

  it('refuses the handshakes over the cap of an address sent at once on one connection, before they cost a session', async () => {
    expect(await pipelinedHandshakes(CAP + 2, '203.0.113.67')).toEqual([
      ...Array<number>(CAP).fill(200),
      403,
      403,
    ]);
  });

  it('gives back the place of a handshake let in whose WebSocket upgrade the server then refused', async () => {
    const address = '203.0.113.68';
    const badUpgrade =
      'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
      `X-Forwarded-For: ${address}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
      'Sec-WebSocket-Version: 13\r\n\r\n';
    for (let n = 0; n <= CAP; n++) {
      const answer = await new Promise<string>((resolve, reject) => {
        const connection = netConnect(port, '127.0.0.1', () => connection.write(badUpgrade));
        let text = '';
        connection.setEncoding('utf8');
        connection.on('data', (chunk: string) => (text += chunk));
        connection.on('close', () => resolve(text.split('\r\n')[0]));
        connection.on('error', reject);
      });
      // `ws` wants a Sec-WebSocket-Key, and is asked after the cap.
      expect(answer).toBe('HTTP/1.1 400 Bad Request');
    }
    for (let n = 0; n < CAP; n++) expect(await handshakeFrom(address)).toBe('open');
    expect(await handshakeFrom(address)).toBe(REFUSED);
  });

  it('counts a connection whose socket left with a DISCONNECT packet until the connection closes', async () => {
    const address = '203.0.113.66';
    const left = await connectRaw(address);
    left.send('41');
    for (let n = 1; n < CAP; n++) await connectFrom(address);
    expect(await handshakeFrom(address)).toBe(REFUSED);

    left.terminate();
    await eventually(
      () => handshakeFrom(address),
      (answer) => answer === 'open',
      'a place after the connection closed',
      10_000,
      50,
    );
  });

  it('counts the addresses of one IPv6 /64 as one', async () => {
    for (let n = 1; n <= CAP; n++) await connectFrom(`2001:db8:1:2::${n}`);
    expect(await handshakeFrom('2001:db8:1:2:ffff::1')).toBe(REFUSED);
    await connectFrom('2001:db8:1:3::1');
  });

  it('gives the place of a socket back when it disconnects or its transport is dropped', async () => {
    const address = '203.0.113.62';
    const leaving = await connectFrom(address);
    const dropped = await connectRaw(address);
    await connectFrom(address);
    expect(await handshakeFrom(address)).toBe(REFUSED);

    const disconnected = nextEvent(leaving, 'disconnect');
    leaving.disconnect();
    await disconnected;
    await eventually(
      () =>
        connectFrom(address).then(
          () => 'connected',
          (error: Error) => error.message,
        ),
      (answer) => answer === 'connected',
      'a place after a disconnect',
      10_000,
      50,
    );
    expect(await handshakeFrom(address)).toBe(REFUSED);

    // No close frame: the TCP connection just ends, as a phone that loses its network.
    dropped.terminate();
    await eventually(
      () =>
        connectFrom(address).then(
          () => 'connected',
          (error: Error) => error.message,
        ),
      (answer) => answer === 'connected',
      'a place after a dropped transport',
      10_000,
      50,
    );
    expect(await handshakeFrom(address)).toBe(REFUSED);
  });

  it('gives back the place of a CONNECT whose connection closed before its socket was authenticated, in the same request', async () => {
    const address = '203.0.113.64';
    const headers = { 'x-forwarded-for': address };
    for (let n = 0; n < CAP; n++) {
      const open = await poll(port, '/socket.io/?EIO=4&transport=polling&a=closing', headers);
      const { sid } = JSON.parse(open.slice(1)) as { sid: string };
      // CONNECT, then Engine.IO's close packet: the connection is closed before its socket is looked at.
      await poll(
        port,
        `/socket.io/?EIO=4&transport=polling&a=closing&sid=${sid}`,
        headers,
        '40\x1e1',
      );
    }
    await eventually(
      () =>
        connectFrom(address).then(
          () => 'connected',
          (error: Error) => error.message,
        ),
      (answer) => answer === 'connected',
      'a place after connections closed with their CONNECT',
      10_000,
      50,
    );
    for (let n = 1; n < CAP; n++) await connectFrom(address);
    expect(await handshakeFrom(address)).toBe(REFUSED);
  });

  it("lets toutiao-m's socket.io-client 2, refused at the cap, in on its own next attempt once a place is free", async () => {
    const address = '203.0.113.65';
    const held: Socket[] = [];
    for (let n = 0; n < CAP; n++) held.push(await connectFrom(address));
    // The client's default transports and reconnection, as toutiao-m's chat page opens it.
    const socket = ioV2(`http://127.0.0.1:${port}`, {
      query: { a: 'device' },
      forceNew: true,
      extraHeaders: { 'x-forwarded-for': address },
    });
    sockets.push(socket);
    // Its long-polling handshake answered 403: a `connect_error`, then attempts after a delay.
    expect(await nextEvent(socket, 'connect_error')).toMatchObject({
      message: 'xhr poll error',
      description: 403,
    });
    const attempts = await collectEvents(socket, 'reconnect_attempt', V2_RECONNECTION_DELAY_MAX_MS);
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts.length).toBeLessThanOrEqual(5);

    held[0].disconnect();
    await nextEvent(socket, 'connect', 2 * V2_RECONNECTION_DELAY_MAX_MS);
  });

  it('holds no place for a socket.io-client 4 refused for its credentials, which closes its connection', async () => {
    const address = '203.0.113.63';
    for (let n = 0; n < 2 * CAP; n++)
      expect(await refusalFrom(address, { token: 'not.a.jwt' })).toBe('Token has some errors.');
    await eventually(
      () =>
        connectFrom(address).then(
          () => 'connected',
          (error: Error) => error.message,
        ),
      (answer) => answer === 'connected',
      'a place after refused connections closed',
      10_000,
      50,
    );
    for (let n = 1; n < CAP; n++) await connectFrom(address);
    expect(await handshakeFrom(address)).toBe(REFUSED);
  });
});
