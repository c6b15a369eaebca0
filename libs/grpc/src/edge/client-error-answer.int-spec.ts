import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';

import { answerClientError } from './client-error-answer';

/**
 * Everything a server sent on a connection, once the server closed it: `request` is written, and
 * `then`, when given, once what came back holds `after`.
 */
function exchange(
  port: number,
  request: string,
  then?: { after: string; write: string },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      const before = received;
      received += chunk;
      if (then && !before.includes(then.after) && received.includes(then.after))
        socket.write(then.write);
    });
    socket.once('error', reject).once('close', () => resolve(received));
    socket.write(request);
  });
}

describe('answerClientError (a node:http server)', () => {
  let server: Server;
  let port: number;
  let finishStreaming: () => void = () => undefined;
  let answerSlow: () => void = () => undefined;

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/upload') {
        request
          .resume()
          .once('end', () => response.writeHead(200, { 'content-length': '4' }).end('read'));
        return;
      }
      if (request.url === '/slow') {
        answerSlow = () => response.writeHead(200, { 'content-length': '4' }).end('slow');
        return;
      }
      if (request.url !== '/stream') {
        response.writeHead(200, { 'content-length': '2' }).end('ok');
        return;
      }
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('first part, ');
      finishStreaming = () => response.end('last part');
    });
    server.on('clientError', answerClientError({ 'access-control-allow-origin': '*' }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers a request the parser refuses with a 400 in the envelope and closes the connection', async () => {
    const received = await exchange(
      port,
      'GET / HTTP/1.1\r\nHost: localhost\r\nnot a header\r\n\r\n',
    );
    expect(received.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(received).toContain('access-control-allow-origin: *\r\n');
    expect(received.endsWith('\r\n\r\n{"message":"Bad request."}')).toBe(true);
  });

  it('answers with a 400 a request whose own body the parser refuses', async () => {
    const received = await exchange(
      port,
      'POST /upload HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nnot a chunk size\r\n\r\n',
    );
    expect(received.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(received.endsWith('\r\n\r\n{"message":"Bad request."}')).toBe(true);
  });

  it('writes nothing into an answer already under way on the connection when the request after it is refused: it closes the connection', async () => {
    const received = await exchange(port, 'GET /stream HTTP/1.1\r\nHost: localhost\r\n\r\n', {
      after: 'first part, ',
      write: 'GET / HTTP/1.1\r\nHost: localhost\r\nnot a header\r\n\r\n',
    });
    finishStreaming();
    expect(received.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(received.endsWith('first part, \r\n')).toBe(true);
    expect(received).not.toContain('HTTP/1.1 400');
  });

  it('closes the connection unanswered when the request before the refused one is still owed its answer, which the 400 would pass for', async () => {
    const received = await exchange(
      port,
      'GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\nGET / HTTP/1.1\r\nHost: localhost\r\nnot a header\r\n\r\n',
    );
    answerSlow();
    expect(received).toBe('');
  });
});
