import { connect, type Socket } from 'node:net';

/** An HTTP answer as it came over the wire. */
export interface RawAnswer {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

function parseRawAnswer(text: string): RawAnswer {
  const split = text.indexOf('\r\n\r\n');
  const [statusLine = '', ...headerLines] = text
    .slice(0, split === -1 ? text.length : split)
    .split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: split === -1 ? '' : text.slice(split + 4),
  };
}

/** A connection that has sent the start of a request; the server has begun reading it. */
export interface StartedRequest {
  /** Sends `rest` and resolves to what the server answered once it closed the connection. */
  finish(rest: string): Promise<RawAnswer>;
}

/**
 * Sends `start` as is (a request, whole or in part, well-formed or not) to 127.0.0.1:`port`. The
 * answer is read until the server closes the connection, so the request should ask it to.
 */
export async function startRawRequest(port: number, start: string): Promise<StartedRequest> {
  const socket: Socket = connect(port, '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve).once('error', reject);
  });
  await new Promise<void>((resolve) => socket.write(start, () => resolve()));
  return {
    finish: async (rest) => {
      if (rest !== '') socket.write(rest);
      await closed;
      return parseRawAnswer(received);
    },
  };
}

/** Sends `request` whole and resolves to the answer, once the server closed the connection. */
export async function rawRequest(port: number, request: string): Promise<RawAnswer> {
  return (await startRawRequest(port, request)).finish('');
}
