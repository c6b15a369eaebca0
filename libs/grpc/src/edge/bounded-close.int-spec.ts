import { connect, type Socket } from 'node:net';

import { AppLoggerModule } from '@app/config';
import {
  type BeforeApplicationShutdown,
  Controller,
  type DynamicModule,
  Module,
  Post,
} from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { createHttpApp } from './create-http-app';

const DRAIN_MS = 1_000;
/** How long the hook below holds the close when nothing cuts the request first. */
const HOOK_HOLDS_MS = 20_000;

/** A request whose body never comes, once the server said it has it in progress (100 Continue). */
const requestWithoutItsBody = async (
  port: number,
): Promise<{ socket: Socket; closed: Promise<void> }> => {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  let received = '';
  const continued = new Promise<void>((resolve) =>
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      received += chunk;
      if (received.includes('100 Continue')) resolve();
    }),
  );
  socket.write(
    'POST /api/uploads HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
      'Content-Length: 1000\r\nExpect: 100-continue\r\n\r\n',
  );
  await continued;
  socket.write('{"slow":');
  return { socket, closed };
};

/** A shutdown hook that runs before the HTTP server closes and lasts until `release` (a counter flush to a Redis that is down). */
class SlowFlush implements BeforeApplicationShutdown {
  outcome: 'request cut while it ran' | 'ran its full length' | undefined;
  release: () => void = () => undefined;
  private readonly released = new Promise<void>((resolve) => (this.release = resolve));

  async beforeApplicationShutdown(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const full = new Promise<'ran its full length'>(
      (resolve) => (timer = setTimeout(() => resolve('ran its full length'), HOOK_HOLDS_MS)),
    );
    this.outcome = await Promise.race([
      this.released.then(() => 'request cut while it ran' as const),
      full,
    ]);
    clearTimeout(timer);
  }
}

@Controller('uploads')
class UploadsController {
  @Post()
  upload(): { ok: true } {
    return { ok: true };
  }
}

@Module({})
class ProbeModule {
  static forRoot(flush: SlowFlush): DynamicModule {
    return {
      module: ProbeModule,
      imports: [
        AppLoggerModule.forRoot({ LOG_LEVEL: 'silent', NODE_ENV: 'test' }, 'bounded-close'),
      ],
      controllers: [UploadsController],
      providers: [{ provide: SlowFlush, useValue: flush }],
    };
  }
}

describe('createHttpApp closing with a request in progress (listening on a port)', () => {
  let app: NestFastifyApplication | undefined;
  const sockets: Socket[] = [];

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await app?.close();
  });

  it('cuts it HTTP_SHUTDOWN_DRAIN_MS after the close began, the hooks before the HTTP close included, not only after they returned', async () => {
    const flush = new SlowFlush();
    app = await createHttpApp(ProbeModule.forRoot(flush), 'api', {
      TRUSTED_PROXY_HOPS: 0,
      HTTP_SHUTDOWN_DRAIN_MS: DRAIN_MS,
    });
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as { port: number }).port;
    const request = await requestWithoutItsBody(port);
    sockets.push(request.socket);
    void request.closed.then(() => flush.release());

    const closing = app.close();
    app = undefined;
    await closing;
    expect(flush.outcome).toBe('request cut while it ran');
  }, 60_000);

  it('cuts at once, as the server closes, a request that came in after the deadline passed during those hooks', async () => {
    const flush = new SlowFlush();
    app = await createHttpApp(ProbeModule.forRoot(flush), 'api', {
      TRUSTED_PROXY_HOPS: 0,
      HTTP_SHUTDOWN_DRAIN_MS: DRAIN_MS,
    });
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as { port: number }).port;
    const first = await requestWithoutItsBody(port);
    sockets.push(first.socket);
    let late: { socket: Socket; closed: Promise<void> } | undefined;
    void first.closed.then(async () => {
      late = await requestWithoutItsBody(port);
      sockets.push(late.socket);
      flush.release();
    });

    const closing = app.close();
    app = undefined;
    let timer: NodeJS.Timeout | undefined;
    const held = new Promise<'held by the late request'>(
      (resolve) => (timer = setTimeout(() => resolve('held by the late request'), HOOK_HOLDS_MS)),
    );
    const outcome = await Promise.race([closing.then(() => 'closed' as const), held]);
    clearTimeout(timer);
    expect({ outcome, hook: flush.outcome }).toEqual({
      outcome: 'closed',
      hook: 'request cut while it ran',
    });
    await late?.closed;
  }, 60_000);
});
