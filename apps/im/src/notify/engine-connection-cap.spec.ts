import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';

import { EngineConnectionCap } from './engine-connection-cap';

/** An Engine.IO connection, open until it emits `close`. */
class FakeConnection extends EventEmitter {
  readyState = 'open';
  readonly request: IncomingMessage;

  constructor(address: string | undefined) {
    super();
    this.request = handshakeRequest(address);
  }

  close(): void {
    if (this.readyState !== 'open') return;
    this.readyState = 'closed';
    this.emit('close');
  }
}

/** `address` undefined: Node reads none from a socket the client reset as its request came. */
function handshakeRequest(address: string | undefined): IncomingMessage {
  return { socket: { remoteAddress: address }, headers: {} } as unknown as IncomingMessage;
}

describe('EngineConnectionCap', () => {
  let cap: EngineConnectionCap;
  let engine: EventEmitter;

  beforeEach(() => {
    cap = new EngineConnectionCap(2, 0);
    engine = new EventEmitter();
    cap.countOn(engine);
  });

  const allowed = (address: string | undefined): [string | null | undefined, boolean] => {
    const answer = jest.fn();
    cap.allowRequest(handshakeRequest(address), answer);
    return answer.mock.calls[0] as [string | null | undefined, boolean];
  };

  const open = (address: string | undefined): FakeConnection => {
    const connection = new FakeConnection(address);
    engine.emit('connection', connection);
    return connection;
  };

  it('refuses the handshake of a connection more than the cap from an address until one closes', () => {
    const first = open('203.0.113.1');
    expect(allowed('203.0.113.1')).toEqual([null, true]);
    open('203.0.113.1');
    expect(allowed('203.0.113.1')).toEqual(['Too many connections.', false]);
    expect(allowed('203.0.113.2')).toEqual([null, true]);

    first.close();
    expect(allowed('203.0.113.1')).toEqual([null, true]);
  });

  it('closes a connection let in while its address took its last place, holding no place for it', () => {
    const held = [open('203.0.113.1'), open('203.0.113.1')];
    const late = open('203.0.113.1');
    expect(late.readyState).toBe('closed');
    expect(held.map(({ readyState }) => readyState)).toEqual(['open', 'open']);

    held[0].close();
    expect(open('203.0.113.1').readyState).toBe('open');
  });

  it('checks the handshake of a connection whose address could not be read against the connections counted without one', () => {
    open(undefined);
    open(undefined);
    expect(allowed(undefined)).toEqual(['Too many connections.', false]);
    expect(allowed('203.0.113.1')).toEqual([null, true]);
  });

  it("runs ahead of Socket.IO's own listener, which finds a connection over the cap closed", () => {
    const order: string[] = [];
    engine.on('connection', (connection: FakeConnection) => order.push(connection.readyState));
    open('203.0.113.1');
    open('203.0.113.1');
    open('203.0.113.1');
    expect(order).toEqual(['open', 'open', 'closed']);
  });
});
