import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

import { SECURITY_HEADERS } from './security-headers';

interface ClientErrorAnswer {
  status: number;
  message: string;
}

/** The answers Node and Fastify give apart from 400; anything else the parser refused is 400. */
const CLIENT_ERRORS: Readonly<Record<string, ClientErrorAnswer>> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, message: 'Request timeout.' },
  HPE_HEADER_OVERFLOW: { status: 431, message: 'Request headers too large.' },
};
const BAD_REQUEST: ClientErrorAnswer = { status: 400, message: 'Bad request.' };

/** The answer Node is giving on the connection, if any: it keeps it on the socket. */
interface AnswerInProgress {
  headersSent: boolean;
  req?: { complete: boolean };
}

/**
 * Whether an answer on the connection stands in the 400's way: one already under way, or one still
 * owed to a request read whole before the refused one. A request whose own body was refused is
 * answered the 400.
 */
function answerInTheWay(socket: Duplex): boolean {
  const { _httpMessage: answer } = socket as Duplex & { _httpMessage?: AnswerInProgress | null };
  if (answer === undefined || answer === null) return false;
  return answer.headersSent || answer.req?.complete !== false;
}

/**
 * A server's `clientError` listener: what Node's HTTP parser refused, or a request that came too
 * slowly, is answered in the JSON envelope with the security headers and `headers`, and the
 * connection is closed; with an earlier request's answer in the way, it is only closed. Node's
 * own answer, and Fastify's, write a bare status line.
 */
export function answerClientError(
  headers: Readonly<Record<string, string>> = {},
): (error: NodeJS.ErrnoException, socket: Duplex) => void {
  return (error, socket) => {
    // A reset connection has nobody to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    // A 400 would go into the body of an answer under way on the connection, or a pipelining
    // client would take it for the answer to the request it sent before the refused one.
    if (!socket.writable || answerInTheWay(socket)) {
      socket.destroy();
      return;
    }
    const { status, message } = CLIENT_ERRORS[error.code ?? ''] ?? BAD_REQUEST;
    const body = JSON.stringify({ message });
    const head = Object.entries({
      ...SECURITY_HEADERS,
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      connection: 'close',
    }).map(([name, value]) => `${name}: ${value}`);
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head.join('\r\n')}\r\n\r\n${body}`,
      () => socket.destroy(),
    );
  };
}
