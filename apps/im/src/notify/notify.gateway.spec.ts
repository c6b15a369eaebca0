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

describe('NotifyGateway handshake', () => {
  const authenticator = new HeldAuthenticator();
  let middleware: Middleware;

  beforeEach(() => {
    authenticator.waiting.length = 0;
    const gateway = new NotifyGateway(authenticator as unknown as SocketAuthenticator);
    gateway.afterInit({ use: (fn: Middleware) => (middleware = fn) } as unknown as ImServer);
  });

  const handshake = (socket: ImSocket): jest.Mock => {
    const next = jest.fn();
    middleware(socket, next);
    return next;
  };

  it('reads no session for a socket whose connection closed before its handshake was looked at', () => {
    const closed = fakeSocket('closed');
    closed.connection.emit('close');
    expect(handshake(closed.socket)).toHaveBeenCalledWith(expect.any(Error));
    expect(authenticator.waiting).toHaveLength(0);
  });

  it('refuses a second socket on a connection whose socket is being authenticated or connected', async () => {
    const first = fakeSocket('first');
    const next = handshake(first.socket);
    const again = { ...fakeSocket('again'), socket: { ...first.socket, id: 'again' } as ImSocket };
    expect(handshake(again.socket)).toHaveBeenCalledWith(new Error('Already connected.'));
    authenticator.waiting.shift()?.({ kind: 'anonymous', anonymousId: 'device' });
    await new Promise(setImmediate);
    expect(next).toHaveBeenCalledWith();
    expect(handshake(again.socket)).toHaveBeenCalledWith(new Error('Already connected.'));

    // A DISCONNECT packet: the connection stays, and may connect a socket again.
    first.events.emit('disconnect');
    expect(handshake(again.socket)).not.toHaveBeenCalled();
    expect(authenticator.waiting).toHaveLength(1);
  });
});
