import { request as httpRequest } from 'node:http';

import { JwtKeySet } from '@app/auth';
import { createTestRedis, eventually, nextEvent, type TestRedis } from '@app/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Socket } from 'socket.io-client';
import ioV2, { type SocketV2 } from 'socket.io-client-v2';
import WebSocket from 'ws';

import { connectIm, openImSocket, type SocketQuery, startIm } from './support/im-app';

jest.setTimeout(30_000);

const CAP = 3;
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

  it('refuses one socket more than the cap from an address, whatever the client wrote before the entry the Ingress appended', async () => {
    for (let n = 0; n < CAP; n++) await connectFrom('203.0.113.60');
    expect(await refusalFrom('203.0.113.60')).toBe('Too many connections.');
    expect(await refusalFrom('198.51.100.7, 203.0.113.60')).toBe('Too many connections.');
    expect(await refusalFrom('203.0.113.60', {})).toBe('Too many connections.');
    await connectFrom('203.0.113.61');
  });

  it('counts the addresses of one IPv6 /64 as one', async () => {
    for (let n = 1; n <= CAP; n++) await connectFrom(`2001:db8:1:2::${n}`);
    expect(await refusalFrom('2001:db8:1:2:ffff::1')).toBe('Too many connections.');
    await connectFrom('2001:db8:1:3::1');
  });

  it('gives the place of a socket back when it disconnects or its transport is dropped', async () => {
    const address = '203.0.113.62';
    const leaving = await connectFrom(address);
    const dropped = await connectRaw(address);
    await connectFrom(address);
    expect(await refusalFrom(address)).toBe('Too many connections.');

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
    expect(await refusalFrom(address)).toBe('Too many connections.');

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
    expect(await refusalFrom(address)).toBe('Too many connections.');
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
    expect(await refusalFrom(address)).toBe('Too many connections.');
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
    expect(await nextEvent(socket, 'error')).toBe('Too many connections.');

    held[0].disconnect();
    await nextEvent(socket, 'connect', 2 * V2_RECONNECTION_DELAY_MAX_MS);
  });

  it('holds no place for a handshake it refused for its credentials', async () => {
    const address = '203.0.113.63';
    for (let n = 0; n < 2 * CAP; n++)
      expect(await refusalFrom(address, { token: 'not.a.jwt' })).toBe('Token has some errors.');
    for (let n = 0; n < CAP; n++) await connectFrom(address);
    expect(await refusalFrom(address)).toBe('Too many connections.');
  });
});
