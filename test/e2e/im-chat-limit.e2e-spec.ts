import { randomUUID } from 'node:crypto';

import { JwtKeySet, SessionStore, TokenSigner } from '@app/auth';
import { closeRedisClient, createRedisClient } from '@app/cache';
import { createTestRedis, type RedisServer, startRedisServer, type TestRedis } from '@app/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Socket } from 'socket.io-client';

import { connectIm, type SocketQuery, startIm } from './support/im-app';

const TOO_MANY = { message: 'Too many requests.' };

jest.setTimeout(30_000);

/**
 * Two im replicas on a redis-server of the test's own (its state role is killed in the last
 * test): the chat limit is kept per sender in the state Redis, so more sockets, or sockets on
 * another replica, give a sender no more messages.
 */
describe('im chat limit per sender, across sockets and replicas (e2e)', () => {
  const keys = JwtKeySet.generate('im-chat-limit');
  const signer = new TokenSigner(keys);
  const sockets: Socket[] = [];
  let server: RedisServer;
  let redis: TestRedis;
  let sessions: SessionStore;
  let closeState: () => Promise<unknown>;
  let imA: NestFastifyApplication;
  let imB: NestFastifyApplication;
  let portA: number;
  let portB: number;

  const tokenFor = async (userId: string): Promise<string> => {
    const session = await sessions.create(userId, 'app', randomUUID());
    return signer.signAccess(userId, session.sid);
  };

  /** A socket as it reaches im behind the Ingress, which appends the address it saw to X-Forwarded-For. */
  const connect = (port: number, query: SocketQuery, forwardedFor?: string): Promise<Socket> =>
    connectIm(sockets, port, query, forwardedFor);

  /**
   * Sends `count` messages and counts what each got, once each got something: an answer, or the
   * exception refusing it. Nothing waits between bursts, so no message is earned back meanwhile.
   */
  const send = (socket: Socket, count: number): Promise<{ answered: number; refused: number }> =>
    new Promise((resolve, reject) => {
      const heard = { answered: 0, refused: 0 };
      const timer = setTimeout(
        () => done(new Error(`${count} messages got ${JSON.stringify(heard)} in 5 s`)),
        5000,
      );
      const settle = (): void => {
        if (heard.answered + heard.refused === count) done();
      };
      const answered = (): void => {
        heard.answered++;
        settle();
      };
      const refused = (exception: unknown): void => {
        if (JSON.stringify(exception) === JSON.stringify(TOO_MANY)) heard.refused++;
        else done(new Error(`unexpected exception ${JSON.stringify(exception)}`));
        settle();
      };
      function done(error?: Error): void {
        clearTimeout(timer);
        socket.off('message', answered);
        socket.off('exception', refused);
        if (error) reject(error);
        else resolve(heard);
      }
      socket.on('message', answered);
      socket.on('exception', refused);
      for (let n = 0; n < count; n++) socket.emit('message', { msg: `第${n}条` });
    });

  beforeAll(async () => {
    server = await startRedisServer({ appendOnly: false });
    redis = createTestRedis({ cache: server.url, state: server.url });
    const state = createRedisClient(redis.stateUrl, redis.prefix);
    sessions = new SessionStore(state, 3600);
    closeState = () => closeRedisClient(state);
    const overrides = { keySet: new JwtKeySet(keys.publicKeys) };
    const env = { LOG_LEVEL: 'silent', TRUSTED_PROXY_HOPS: '1' };
    ({ app: imA, port: portA } = await startIm(redis, overrides, env));
    ({ app: imB, port: portB } = await startIm(redis, overrides, env));
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await imA?.close();
    await imB?.close();
    await closeState?.();
    await server?.remove();
  });

  it("holds a signed-in user's sockets, on either replica, to one burst of 10: the 11th message is refused", async () => {
    const userId = '1294287382374384001';
    const onA = await connect(portA, { token: await tokenFor(userId) });
    const onB = await connect(portB, { token: await tokenFor(userId) });
    expect(await send(onA, 5)).toEqual({ answered: 5, refused: 0 });
    expect(await send(onB, 5)).toEqual({ answered: 5, refused: 0 });
    expect(await send(onA, 1)).toEqual({ answered: 0, refused: 1 });
  });

  it('does not let one user refuse another', async () => {
    const flooder = await connect(portA, { token: await tokenFor('1294287382374384002') });
    const other = await connect(portA, { token: await tokenFor('1294287382374384003') });
    expect(await send(flooder, 11)).toEqual({ answered: 10, refused: 1 });
    expect(await send(other, 1)).toEqual({ answered: 1, refused: 0 });
  });

  it('holds the anonymous sockets of one address to one limit, whatever anonymous ids they make up', async () => {
    const address = '203.0.113.7';
    const fromAddress = [
      await connect(portA, { a: 'device-1' }, address),
      await connect(portB, { a: 'device-2' }, address),
      await connect(portA, {}, address),
      // An entry the client wrote before the one the Ingress appended changes nothing.
      await connect(portB, { a: 'device-3' }, `198.51.100.1, ${address}`),
    ];
    const answered = [];
    for (const [n, socket] of fromAddress.entries())
      answered.push((await send(socket, n === 3 ? 1 : 3)).answered);
    expect(answered).toEqual([3, 3, 3, 1]);
    expect(await send(fromAddress[0], 1)).toEqual({ answered: 0, refused: 1 });

    const elsewhere = await connect(portB, { a: 'device-1' }, '203.0.113.8');
    expect(await send(elsewhere, 1)).toEqual({ answered: 1, refused: 0 });
  });

  it('holds the anonymous sockets of one IPv6 /64 to one limit, whichever of its addresses they come from', async () => {
    const fromPrefix = [
      await connect(portA, { a: 'device-1' }, '2001:db8:7:1::1'),
      await connect(portB, { a: 'device-2' }, '2001:0DB8:0007:0001:0000:0000:0000:0002'),
      await connect(portA, { a: 'device-3' }, '2001:db8:7:1:ffff:ffff:ffff:ffff'),
    ];
    const answered = [];
    for (const socket of fromPrefix) answered.push((await send(socket, 4)).answered);
    expect(answered).toEqual([4, 4, 2]);

    const nextPrefix = await connect(portB, { a: 'device-1' }, '2001:db8:7:2::1');
    expect(await send(nextPrefix, 1)).toEqual({ answered: 1, refused: 0 });
  });

  it('holds an IPv4-mapped IPv6 address to the limit of its IPv4 address', async () => {
    const plain = await connect(portA, { a: 'device-1' }, '203.0.113.10');
    const mapped = await connect(portB, { a: 'device-2' }, '::ffff:203.0.113.10');
    expect(await send(plain, 10)).toEqual({ answered: 10, refused: 0 });
    expect(await send(mapped, 1)).toEqual({ answered: 0, refused: 1 });
  });

  it('still answers while the state Redis is down, within the limit of each socket', async () => {
    const signedIn = await connect(portA, { token: await tokenFor('1294287382374384004') });
    await server.crash();
    const anonymous = await connect(portB, { a: 'device-in-outage' }, '203.0.113.9');
    const [ofUser, ofAnonymous] = await Promise.all([send(signedIn, 11), send(anonymous, 11)]);
    expect(ofUser).toEqual({ answered: 10, refused: 1 });
    expect(ofAnonymous).toEqual({ answered: 10, refused: 1 });
  });
});
