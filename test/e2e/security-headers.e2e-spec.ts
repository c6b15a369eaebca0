import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadConfig } from '@app/config';
import { eventually, freePort } from '@app/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';

import { gatewayEnvSchema } from '../../apps/gateway/src/config/gateway.config';
import { createGateway } from '../../apps/gateway/src/main';
import { type ArticleStack, seedUsers, startArticleStack } from './support/article-stack';
import { type RawAnswer, rawRequest, startRawRequest } from './support/raw-http';
import { EXPECTED_SECURITY_HEADERS, MALFORMED_REQUEST } from './support/security-headers';

const AUTHOR = '1294287382374383616';
/** The origin the publish admin is served from: not the API's. */
const ADMIN_ORIGIN = 'http://localhost:9528';
/** A stored image's name: its content hash. */
const IMAGE_KEY = `${'cd'.repeat(32)}.png`;

const expectSecurityHeaders = (answer: Pick<LightMyRequestResponse, 'headers'>): void => {
  expect(answer.headers).toMatchObject(EXPECTED_SECURITY_HEADERS);
  // HSTS is the ingress' to set, on the HTTPS it terminates.
  expect(answer.headers['strict-transport-security']).toBeUndefined();
};

/** Whether a new connection to 127.0.0.1:`port` is taken. */
const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The parts of a raw answer its tests look at, its JSON body parsed. */
const summary = (answer: RawAnswer) => ({
  status: answer.status,
  contentType: answer.headers['content-type'],
  body: JSON.parse(answer.body) as unknown,
});

/** What a browser sends before a call with a token from another origin. */
const preflight = (method: string, url: string): InjectOptions => ({
  method: 'OPTIONS',
  url,
  headers: {
    origin: ADMIN_ORIGIN,
    'access-control-request-method': method,
    'access-control-request-headers': 'authorization,content-type',
  },
});

describe('security headers of the HTTP apps', () => {
  let stack: ArticleStack;
  let mediaPlatform: NestFastifyApplication;
  let uploads: string;

  const send = (app: NestFastifyApplication, options: InjectOptions) =>
    app.inject({ ...options, headers: { origin: ADMIN_ORIGIN, ...options.headers } });

  beforeAll(async () => {
    uploads = mkdtempSync(join(tmpdir(), 'tt-security-headers-'));
    writeFileSync(join(uploads, IMAGE_KEY), Buffer.from('89504e470d0a1a0a', 'hex'));
    stack = await startArticleStack({ STORAGE_DRIVER: 'local', STORAGE_LOCAL_DIR: uploads });
    mediaPlatform = await stack.startMediaPlatform();
    await seedUsers(stack, [{ id: AUTHOR, name: 'author' }]);
  });

  afterAll(async () => {
    await stack?.close();
    rmSync(uploads, { recursive: true, force: true });
  });

  it('come with a JSON answer of the gateway, an error and a path no route takes', async () => {
    const channels = await send(stack.gateway, { method: 'GET', url: '/app/v1_0/channels' });
    expect(channels.statusCode).toBe(200);
    expect(channels.json()).toMatchObject({ message: 'OK' });
    const unauthorized = await send(stack.gateway, { method: 'GET', url: '/app/v1_0/user' });
    expect(unauthorized.statusCode).toBe(401);
    const unroutable = await send(stack.gateway, { method: 'GET', url: '/app/v1_0/articles/%ff' });
    expect(unroutable.statusCode).toBe(404);
    for (const answer of [channels, unauthorized, unroutable]) {
      expectSecurityHeaders(answer);
      expect(answer.headers['access-control-allow-origin']).toBe('*');
    }
  });

  it('come with a stored image, which another origin may still load and read', async () => {
    const image = await send(stack.gateway, { method: 'GET', url: `/static/${IMAGE_KEY}` });
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expectSecurityHeaders(image);
    expect(image.headers['access-control-allow-origin']).toBe('*');
  });

  it.each([
    ['a range past its end', { range: 'bytes=100-200' }, 416, 'Range Not Satisfiable'],
    ['a version it does not have', { 'if-match': '"another"' }, 412, 'Precondition Failed'],
  ])(
    'come with the refusal of %s of a stored image, a 4xx of the client',
    async (_case, headers, status, message) => {
      const refused = await send(stack.gateway, {
        method: 'GET',
        url: `/static/${IMAGE_KEY}`,
        headers,
      });
      expect({ status: refused.statusCode, body: refused.json<unknown>() }).toEqual({
        status,
        body: { message },
      });
      expectSecurityHeaders(refused);
      expect(refused.headers['access-control-allow-origin']).toBe('*');
    },
  );

  it('come with the answers of the media platform', async () => {
    const token = await stack.signIn(AUTHOR, { scope: 'mp', verified: true });
    const profile = await send(mediaPlatform, {
      method: 'GET',
      url: '/mp/v1_0/user/profile',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(profile.statusCode).toBe(200);
    expect(profile.json()).toMatchObject({ message: 'OK', data: { id: AUTHOR } });
    expectSecurityHeaders(profile);
    expect(profile.headers['access-control-allow-origin']).toBe('*');
  });

  it.each([
    ['the media platform', 'PUT', '/mp/v1_0/articles/1300000000000000001'],
    ['the gateway', 'PATCH', '/app/v1_0/user/channels'],
  ])('leave the preflight of %s answered as before', async (_app, method, url) => {
    const app = url.startsWith('/mp/') ? mediaPlatform : stack.gateway;
    const answer = await app.inject(preflight(method, url));
    expect(answer.statusCode).toBe(204);
    expect(answer.payload).toBe('');
    expect(answer.headers).toMatchObject({
      'access-control-allow-origin': '*',
      'access-control-allow-headers': 'authorization,content-type',
    });
    const allowed = String(answer.headers['access-control-allow-methods']).split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining([method]));
    expectSecurityHeaders(answer);
  });

  describe('of answers Node and Fastify give before any hook runs (a gateway listening on a port)', () => {
    let gateway: NestFastifyApplication;
    let port: number;
    let closed: Promise<void> | undefined;

    beforeEach(async () => {
      gateway = await createGateway(loadConfig(gatewayEnvSchema, stack.env));
      closed = undefined;
      port = await freePort();
      await gateway.listen(port, '127.0.0.1');
    });

    afterEach(async () => {
      await (closed ?? gateway.close());
    });

    it('come with the 400 of a request that is not HTTP, in the envelope, and the connection is closed', async () => {
      const answer = await rawRequest(port, MALFORMED_REQUEST);
      expect(summary(answer)).toEqual({
        status: 400,
        contentType: 'application/json; charset=utf-8',
        body: { message: 'Bad request.' },
      });
      expect(answer.headers.connection).toBe('close');
      expectSecurityHeaders(answer);
      expect(answer.headers['access-control-allow-origin']).toBe('*');
    });

    it('come with the 503 of a request that arrives while the gateway closes, in the envelope', async () => {
      // The request has begun, so closing waits for it rather than dropping an idle connection.
      const started = await startRawRequest(
        port,
        `GET /app/v1_0/channels HTTP/1.1\r\nHost: localhost\r\nOrigin: ${ADMIN_ORIGIN}\r\n`,
      );
      await sleep(200);
      closed = gateway.close();
      await eventually(
        () => accepts(port),
        (accepted) => !accepted,
        'the gateway refusing new connections',
      );
      const answer = await started.finish('\r\n');
      await closed;
      expect(summary(answer)).toEqual({
        status: 503,
        contentType: 'application/json; charset=utf-8',
        body: { message: 'Service unavailable.' },
      });
      expect(answer.headers.connection).toBe('close');
      expectSecurityHeaders(answer);
      expect(answer.headers['access-control-allow-origin']).toBe('*');
    });
  });
});
