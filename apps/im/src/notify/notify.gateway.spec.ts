import { EventEmitter } from 'node:events';

import type { ImServer, ImSocket, SocketIdentity } from '../realtime/socket.types';
import { NotifyGateway } from './notify.gateway';
import type { SocketAuthenticator } from './socket-authenticator';

type Middleware = (socket: ImSocket, next: (error?: Error) => void) => void;

/** An authenticator whose answers the test gives, one handshake at a time. */
class HeldAuthenticator {
  readonly waiting: ((identity: SocketIdentity) => void)[] = [];

  authenticate(): Promise<SocketIdentity> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}

interface FakeSocket {
  socket: ImSocket;
  /** The socket's own events (`disconnect`). */
  events: EventEmitter;
  connection: EventEmitter;
}

/** An Engine.IO connection, open until it emits `close`. */
class FakeConnection extends EventEmitter {
  readyState = 'open';

  constructor() {
    super();
    this.once('close', () => (this.readyState = 'closed'));
  }

  close(): void {
    if (this.readyState === 'open') this.emit('close');
  }
}

function fakeSocket(id: string): FakeSocket {
  const connection = new FakeConnection();
  const events = new EventEmitter();
  const socket = Object.assign(events, {
    id,
    conn: connection,
    data: {},
    handshake: { address: '203.0.113.9', headers: {}, url: '/socket.io/?EIO=4&a=device' },
  });
  return { socket: socket as unknown as ImSocket, events, connection };
}

describe('NotifyGateway handshake cap', () => {
  const authenticator = new HeldAuthenticator();
  let middleware: Middleware;

  beforeEach(() => {
    const gateway = new NotifyGateway(authenticator as unknown as SocketAuthenticator, {
      TRUSTED_PROXY_HOPS: 0,
      IM_MAX_CONNECTIONS_PER_IP: 1,
    });
    gateway.afterInit({ use: (fn: Middleware) => (middleware = fn) } as unknown as ImServer);
  });

  const handshake = (socket: ImSocket): jest.Mock => {
    const next = jest.fn();
    middleware(socket, next);
    return next;
  };

  it('gives back the place of a connection that closed while its socket was being authenticated', async () => {
    const first = fakeSocket('first');
    expect(handshake(first.socket)).not.toHaveBeenCalled();
    const refused = fakeSocket('refused');
    expect(handshake(refused.socket)).toHaveBeenCalledWith(new Error('Too many connections.'));
    // For socket.io-client 2 to try again: it does only once its connection closes.
    await new Promise(setImmediate);
    expect(refused.connection).toHaveProperty('readyState', 'closed');

    // Socket.IO drops a socket whose connection closed before its middleware ended: no `disconnect`.
    first.connection.emit('close');
    authenticator.waiting.shift()?.({ kind: 'anonymous', anonymousId: 'device' });
    await new Promise(setImmediate);

    const next = handshake(fakeSocket('after').socket);
    authenticator.waiting.shift()?.({ kind: 'anonymous', anonymousId: 'device' });
    await new Promise(setImmediate);
    expect(next).toHaveBeenCalledWith();
  });

  it('takes no place for a socket whose connection closed before its handshake was looked at', async () => {
    const closed = fakeSocket('closed');
    closed.connection.emit('close');
    expect(handshake(closed.socket)).toHaveBeenCalledWith(expect.any(Error));
    expect(authenticator.waiting).toHaveLength(0);

    const next = handshake(fakeSocket('after').socket);
    authenticator.waiting.shift()?.({ kind: 'anonymous', anonymousId: 'device' });
    await new Promise(setImmediate);
    expect(next).toHaveBeenCalledWith();
  });

  it('gives back the place of a socket that disconnects on an open connection, once', async () => {
    const first = fakeSocket('first');
    const next = handshake(first.socket);
    authenticator.waiting.shift()?.({ kind: 'anonymous', anonymousId: 'device' });
    await new Promise(setImmediate);
    expect(next).toHaveBeenCalledWith();

    // A DISCONNECT packet: the connection stays, and may connect a socket again.
    first.events.emit('disconnect');
    const second = handshake(fakeSocket('second').socket);
    authenticator.waiting.shift()?.({ kind: 'anonymous', anonymousId: 'device' });
    await new Promise(setImmediate);
    expect(second).toHaveBeenCalledWith();

    first.connection.emit('close');
    expect(handshake(fakeSocket('third').socket)).toHaveBeenCalledWith(
      new Error('Too many connections.'),
    );
  });
});
