import { connect } from 'node:net';

import { loadConfig } from '@app/config';
import { freePort } from '@app/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { misEnvSchema } from '../../apps/mis/src/config/mis.config';
import { createMis } from '../../apps/mis/src/main';
import { type ArticleStack, startArticleStack } from './support/article-stack';

/** An article id no row has. */
const MISSING_ARTICLE = '1300000000000000001';

/** The request count of one series of `http_request_duration_seconds`, 0 when it has none. */
function requestCount(
  text: string,
  labels: { method: string; route: string; status: string },
): number {
  const wanted = `{method="${labels.method}",route="${labels.route}",status="${labels.status}"}`;
  const line = text
    .split('\n')
    .find((row) => row.startsWith(`http_request_duration_seconds_count${wanted} `));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}

/** The routes of every series of the request histogram. */
function routes(text: string): string[] {
  return [...text.matchAll(/^http_request_duration_seconds_count\{[^}]*route="([^"]*)"/gm)].map(
    ([, route]) => route,
  );
}

/** The count of `http_requests_aborted_total` for a method and route, 0 when it has none. */
function abortedCount(text: string, method: string, route: string): number {
  const line = text
    .split('\n')
    .find((row) =>
      row.startsWith(`http_requests_aborted_total{method="${method}",route="${route}"} `),
    );
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}

/** Sends a request's head and the first bytes of a body it says is longer, then hangs up. */
function abandonUpload(port: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
          'Content-Length: 1000\r\n\r\n{"mobile":',
      );
      setTimeout(() => socket.destroy(), 50);
    });
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}

/** Sends a request's head alone, reads the answer to it, and hangs up. */
function answerToHeadOnly(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      if (received.includes('\r\n\r\n{')) socket.destroy();
    });
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

/** Scrapes until `ready` holds of the text, for 2 s at most. */
async function scrapeUntil(
  app: NestFastifyApplication,
  ready: (text: string) => boolean,
): Promise<string> {
  const until = Date.now() + 2000;
  for (;;) {
    const { body } = await app.inject({ method: 'GET', url: '/metrics' });
    if (ready(body) || Date.now() > until) return body;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const scrape = async (app: NestFastifyApplication): Promise<string> => {
  const answer = await app.inject({ method: 'GET', url: '/metrics' });
  expect([answer.statusCode, answer.headers['content-type']]).toEqual([
    200,
    'text/plain; version=0.0.4; charset=utf-8',
  ]);
  return answer.body;
};

describe('HTTP request metrics at /metrics', () => {
  let stack: ArticleStack;
  let mediaPlatform: NestFastifyApplication;
  let mis: NestFastifyApplication | undefined;

  beforeAll(async () => {
    stack = await startArticleStack();
    mediaPlatform = await stack.startMediaPlatform();
  });

  afterAll(async () => {
    await mis?.close();
    await stack?.close();
  });

  it('counts the gateway requests by method, route pattern and status, an unmatched path under one label', async () => {
    const gateway = stack.gateway;
    const statuses = [
      (await gateway.inject({ method: 'GET', url: '/app/v1_0/channels' })).statusCode,
      (await gateway.inject({ method: 'GET', url: '/app/v1_0/channels' })).statusCode,
      (await gateway.inject({ method: 'HEAD', url: '/app/v1_0/channels' })).statusCode,
      (await gateway.inject({ method: 'GET', url: `/app/v1_0/articles/${MISSING_ARTICLE}` }))
        .statusCode,
      (await gateway.inject({ method: 'GET', url: '/app/v1_0/articles?channel_id=0x10' }))
        .statusCode,
      (await gateway.inject({ method: 'GET', url: '/app/v1_0/no-such-route/1' })).statusCode,
      (await gateway.inject({ method: 'GET', url: '/app/v1_0/articles/%ff' })).statusCode,
    ];
    expect(statuses).toEqual([200, 200, 200, 404, 400, 404, 404]);

    const text = await scrape(gateway);
    expect(text).toMatch(/^# TYPE http_request_duration_seconds histogram$/m);
    const count = (method: string, route: string, status: string) =>
      requestCount(text, { method, route, status });
    expect({
      channels: count('GET', '/app/v1_0/channels', '200'),
      channelsHead: count('HEAD', '/app/v1_0/channels', '200'),
      missingArticle: count('GET', '/app/v1_0/articles/:id', '404'),
      badChannelId: count('GET', '/app/v1_0/articles', '400'),
      unmatched: count('GET', 'unmatched', '404'),
    }).toEqual({ channels: 2, channelsHead: 1, missingArticle: 1, badChannelId: 1, unmatched: 2 });
    // The path's ids never become labels; the scrape and the probes are not traffic.
    expect(routes(text).filter((route) => /\d{6}|0x10|no-such|%ff/.test(route))).toEqual([]);
    expect(
      routes(text).filter((route) => route === '/metrics' || route.startsWith('/health/')),
    ).toEqual([]);
    expect(text).toMatch(
      /^http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/app\/v1_0\/channels",status="200"\} \d+$/m,
    );
    expect(text).toMatch(
      /^http_request_duration_seconds_bucket\{le="10",method="GET",route="\/app\/v1_0\/channels",status="200"\} 2$/m,
    );
  });

  it('counts a body refused on an unknown path as unmatched, and an upload its client abandoned as aborted, once', async () => {
    const gateway = await stack.startGateway();
    const port = await freePort();
    await gateway.listen(port, '127.0.0.1');
    const tooLarge = await gateway.inject({
      method: 'POST',
      url: '/app/v1_0/no-such-route',
      payload: { mobile: 'x'.repeat(2_000_000) },
    });
    expect(tooLarge.statusCode).toBe(413);
    const refused = await answerToHeadOnly(
      port,
      'PATCH /app/v1_0/user/profile HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 80000\r\n\r\n',
    );
    expect(refused.split('\r\n')[0]).toBe('HTTP/1.1 401 Unauthorized');
    await abandonUpload(port, '/app/v1_0/authorizations');
    await abandonUpload(port, '/app/v1_0/no-such-route');

    const text = await scrapeUntil(gateway, (body) => abortedCount(body, 'POST', 'unmatched') > 0);
    expect({
      tooLarge: requestCount(text, { method: 'POST', route: 'unmatched', status: '413' }),
      refusedBeforeBody: requestCount(text, {
        method: 'PATCH',
        route: '/app/v1_0/user/profile',
        status: '401',
      }),
      refusedAborted: abortedCount(text, 'PATCH', '/app/v1_0/user/profile'),
      abandoned: abortedCount(text, 'POST', '/app/v1_0/authorizations'),
      abandonedUnmatched: abortedCount(text, 'POST', 'unmatched'),
      answered: routes(text).filter((route) => route === '/app/v1_0/authorizations'),
    }).toEqual({
      tooLarge: 1,
      refusedBeforeBody: 1,
      refusedAborted: 0,
      abandoned: 1,
      abandonedUnmatched: 1,
      answered: [],
    });
    expect(requestCount(text, { method: 'POST', route: 'unmatched', status: '404' })).toBe(0);
  });

  it("serves the gateway's feed metrics and the process metrics from the same endpoint", async () => {
    await stack.gateway.inject({ method: 'GET', url: '/health/live' });
    const text = await scrape(stack.gateway);
    expect(text).toMatch(/^# HELP feed_recommend_fallback_total /m);
    expect(text).toMatch(/^# HELP feed_recommend_calls_total /m);
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(routes(text)).not.toContain('/health/live');
  });

  it('counts the media platform requests on its own /metrics, apart from the gateway', async () => {
    const answer = await mediaPlatform.inject({ method: 'GET', url: '/mp/v1_0/channels' });
    expect(answer.statusCode).toBe(200);
    const text = await scrape(mediaPlatform);
    expect(requestCount(text, { method: 'GET', route: '/mp/v1_0/channels', status: '200' })).toBe(
      1,
    );
    expect(routes(text).filter((route) => route.startsWith('/app/'))).toEqual([]);
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(text).not.toMatch(/^# HELP feed_recommend_fallback_total /m);
  });

  it('serves /metrics on mis, outside its /mis prefix', async () => {
    mis = await createMis(loadConfig(misEnvSchema, stack.env));
    await mis.init();
    await mis.getHttpAdapter().getInstance().ready();
    await mis.inject({ method: 'GET', url: '/mis/v1_0/nothing' });
    const text = await scrape(mis);
    expect(requestCount(text, { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect((await mis.inject({ method: 'GET', url: '/mis/metrics' })).statusCode).toBe(404);
  });
});
