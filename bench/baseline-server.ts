// L1 and L2 reference servers: bare node:http, no framework. L1 answers a static body of a
// given size; L2 adds exactly one ioredis GET of a cached page (what a perfect cache hit costs).
import { createServer } from 'node:http';

import { cachedBodyClient, cachedBodyKey } from './cached-body';
import { staticBody } from './static-body';

const port = Number(process.env.BENCH_BASELINE_PORT);
const redis = cachedBodyClient();

const server = createServer((request, response) => {
  const [, kind, arg] = (request.url ?? '').split('/');
  const send = (body: Buffer | string): void => {
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  };
  if (kind === 'l1') return send(staticBody(Number(arg)));
  if (kind === 'l2') {
    redis.getBuffer(cachedBodyKey(arg)).then(
      (body) => (body ? send(body) : (response.writeHead(404), response.end())),
      () => (response.writeHead(500), response.end()),
    );
    return;
  }
  if (kind === 'ready') return send('{"status":"ok"}');
  response.writeHead(404);
  response.end();
});

server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1');
const shutdown = (): void => {
  server.close();
  void redis.quit().finally(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
