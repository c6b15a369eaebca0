import { connect, type Socket } from 'node:net';

import { eventually } from '@app/testing';
import Fastify, { type FastifyInstance } from 'fastify';

import { useClosingAnswer } from './closing-answer';

/** The head of an answer read off a kept connection, and whether the server then closed it. */
interface KeptConnectionAnswer {
  statusLine: string;
  headers: Record<string, string>;
  body: string;
  closedByServer: Promise<void>;
}

/** Sends `request` on a new connection and resolves to its answer once its whole body came. */
function ask(port: number, request: string, sockets: Socket[]): Promise<KeptConnectionAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    const closedByServer = new Promise<void>((closed) => socket.once('end', () => closed()));
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      received += chunk;
      const split = received.indexOf('\r\n\r\n');
      if (split === -1) return;
      const [statusLine = '', ...lines] = received.slice(0, split).split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [
          line.slice(0, line.indexOf(':')).toLowerCase(),
          line.slice(line.indexOf(':') + 1).trim(),
        ]),
      );
      const body = received.slice(split + 4);
      if (Buffer.byteLength(body) >= Number(headers['content-length']))
        resolve({ statusLine, headers, body, closedByServer });
    });
    socket.once('error', reject);
    socket.write(request);
  });
}

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

describe('useClosingAnswer (a Fastify app listening on a port)', () => {
  let app: FastifyInstance;
  let port: number;
  let answerSlow: () => void = () => undefined;
  let slowStarted: Promise<void>;
  const sockets: Socket[] = [];

  beforeEach(async () => {
    app = Fastify({ return503OnClosing: false });
    useClosingAnswer(app);
    let markStarted: () => void = () => undefined;
    slowStarted = new Promise((resolve) => (markStarted = resolve));
    app.get('/slow', async () => {
      markStarted();
      await new Promise<void>((resolve) => (answerSlow = resolve));
      return { done: true };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  });

  afterEach(async () => {
    answerSlow();
    for (const socket of sockets.splice(0)) socket.destroy();
    await app.close();
  });

  it('answers a request in progress as the app closes, with Connection: close, and the server then closes that connection so closing ends', async () => {
    const answered = ask(port, 'GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n', sockets);
    await slowStarted;
    const closed = app.close();
    await eventually(
      () => accepts(port),
      (accepted) => !accepted,
      'the app refusing new connections',
    );
    answerSlow();
    const answer = await answered;
    expect([answer.statusLine, answer.body]).toEqual(['HTTP/1.1 200 OK', '{"done":true}']);
    expect(answer.headers.connection).toBe('close');
    await answer.closedByServer;
    await closed;
  });
});
