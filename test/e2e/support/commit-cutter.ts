import { connect, createServer, type Socket } from 'node:net';

/** COM_QUERY (0x03) of a COMMIT, as a MySQL client sends it after the packet header. */
const COMMIT_QUERY = Buffer.from('\x03COMMIT', 'latin1');

/**
 * A TCP relay to MySQL that, once armed, lets through the COMMIT of the next transaction that
 * sent a statement holding `marker` (or that statement itself, run on its own), waits for the
 * server's answer to it and closes the client's connection without passing that answer on: the
 * server committed, the client heard nothing. Every other connection and statement is relayed
 * as it is.
 */
export class CommitCutter {
  private readonly server = createServer((client) => this.relay(client));
  private readonly open = new Set<Socket>();
  private armed: { marker: string; atCommit: boolean; done: () => void } | undefined;
  private holding:
    { marker: string; applied: boolean; held: (release: () => void) => void } | undefined;

  constructor(private readonly target: { host: string; port: number }) {}

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as { port: number }).port;
  }

  /** Cuts the next committing connection that sent `marker`; resolves once it is cut. */
  cutCommitAfter(marker: string): Promise<void> {
    return new Promise((done) => (this.armed = { marker, atCommit: true, done }));
  }

  /** Cuts the next connection that sent a statement holding `marker` once it is answered. */
  cutStatement(marker: string): Promise<void> {
    return new Promise((done) => (this.armed = { marker, atCommit: false, done }));
  }

  /**
   * Takes the COMMIT of the next transaction that sent `marker` and keeps the client from hearing
   * of it until `release` (what it resolves with) closes the connection, so that another request
   * runs meanwhile. `applied`: the COMMIT is passed on and its answer held back (the server
   * committed); otherwise it is not passed on and the connection to the server is ended, which
   * rolls the transaction back.
   */
  holdCommit(marker: string, applied: boolean): Promise<() => void> {
    return new Promise((held) => (this.holding = { marker, applied, held }));
  }

  async close(): Promise<void> {
    for (const socket of this.open) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private relay(client: Socket): void {
    const upstream = connect(this.target.port, this.target.host);
    this.open.add(client).add(upstream);
    let marked = false;
    let committing = false;
    let holdMarked = false;
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      const holding = this.holding;
      if (holding && chunk.toString('utf8').includes(holding.marker)) holdMarked = true;
      if (holding && holdMarked && chunk.includes(COMMIT_QUERY)) {
        this.holding = undefined;
        const release = () => drop();
        if (holding.applied) {
          upstream.removeAllListeners('data').once('data', () => holding.held(release));
          upstream.write(chunk);
          return;
        }
        upstream
          .removeAllListeners('close')
          .removeAllListeners('error')
          .on('error', () => {});
        upstream.destroy();
        holding.held(release);
        return;
      }
      const armed = this.armed;
      if (armed && chunk.toString('utf8').includes(armed.marker)) marked = true;
      if (armed && marked && (!armed.atCommit || chunk.includes(COMMIT_QUERY))) committing = true;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      const armed = this.armed;
      if (!committing || !armed) {
        client.write(chunk);
        return;
      }
      this.armed = undefined;
      drop();
      armed.done();
    });
    client.on('close', drop).on('error', drop);
    upstream.on('close', drop).on('error', drop);
  }
}
