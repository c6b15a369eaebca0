import { createServer, type Socket, connect } from 'node:net';

const CRLF = Buffer.from('\r\n');
const SCRIPT_CALL = /\r\n\$\d+\r\neval(sha)?\r\n/i;

/** Where each of `data`'s CRLF-ended lines ends: one reply each while Redis answers integers. */
function lineEnds(data: Buffer): number[] {
  const ends: number[] = [];
  for (let at = data.indexOf(CRLF); at !== -1; at = data.indexOf(CRLF, at + 2)) ends.push(at + 2);
  return ends;
}

/**
 * A TCP relay to Redis that lets the next script call (EVAL or EVALSHA) through, waits until Redis
 * has answered it and the ones pipelined with it, passes on only the first of those replies asked
 * for, and closes the client's connection: Redis ran every call, the client heard of some. Later
 * connections are relayed as they are.
 */
export class ReplyCutter {
  private readonly server = createServer((client) => this.relay(client));
  private readonly open = new Set<Socket>();
  private cut: { replies: number; passed: number; done: () => void } | undefined;

  constructor(private readonly target: { host: string; port: number }) {}

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as { port: number }).port;
  }

  /** Cuts the connection once Redis gave `replies` replies to the next script calls, `passed` of them passed on. */
  cutAfter(replies: number, passed: number): Promise<void> {
    return new Promise((done) => (this.cut = { replies, passed, done }));
  }

  async close(): Promise<void> {
    for (const socket of this.open) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private relay(client: Socket): void {
    const upstream = connect(this.target.port, this.target.host);
    this.open.add(client).add(upstream);
    let scriptSent = false;
    let held = Buffer.alloc(0);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (this.cut && SCRIPT_CALL.test(chunk.toString('latin1'))) scriptSent = true;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      const cut = this.cut;
      if (!cut || !scriptSent) {
        client.write(chunk);
        return;
      }
      held = Buffer.concat([held, chunk]);
      const ends = lineEnds(held);
      if (ends.length < cut.replies) return;
      this.cut = undefined;
      upstream.destroy();
      client.end(held.subarray(0, cut.passed === 0 ? 0 : ends[cut.passed - 1]));
      cut.done();
    });
    client.on('close', drop).on('error', drop);
    upstream.on('close', drop).on('error', drop);
  }
}
