import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';

import { EngineConnectionCap } from './engine-connection-cap';

/** An Engine.IO connection, open until it emits `close`. */
class FakeConnection extends EventEmitter {
  readyState = 'open';

  constructor(readonly request: IncomingMessage) {
    super();
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

  type Answer = [string | null | undefined, boolean];

  /** `allowRequest`'s answer to a handshake from `address`, and the handshake request. */
  const handshake = (address: string | undefined): { answer: Answer; request: IncomingMessage } => {
    const request = handshakeRequest(address);
    const answer = jest.fn();
    cap.allowRequest(request, answer);
    return { answer: answer.mock.calls[0] as Answer, request };
  };

  const allowed = (address: string | undefined): Answer => handshake(address).answer;

  /** The connection the engine opens for `request`, as it does once `allowRequest` let it in. */
  const open = (request: IncomingMessage): FakeConnection => {
    const connection = new FakeConnection(request);
    engine.emit('connection', connection);
    return connection;
  };

  /** A handshake from `address` let in, and its connection. */
  const connect = (address: string): FakeConnection => {
    const { answer, request } = handshake(address);
    expect(answer).toEqual([null, true]);
    return open(request);
  };

  /** Lets a handshake the engine dropped after `allowRequest` give its place back. */
  const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  it('refuses the handshake of a connection more than the cap from an address until one closes', async () => {
    const first = connect('203.0.113.1');
    connect('203.0.113.1');
    expect(allowed('203.0.113.1')).toEqual(['Too many connections.', false]);
    expect(allowed('203.0.113.2')).toEqual([null, true]);
    await nextTurn();
    expect(allowed('203.0.113.1')).toEqual(['Too many connections.', false]);

    first.close();
    expect(allowed('203.0.113.1')).toEqual([null, true]);
  });

  it('refuses a handshake over the cap sent before the connections of those let in are open (pipelined)', () => {
    const pending = [handshake('203.0.113.1'), handshake('203.0.113.1')];
    expect(pending.map(({ answer }) => answer)).toEqual([
      [null, true],
      [null, true],
    ]);
    expect(allowed('203.0.113.1')).toEqual(['Too many connections.', false]);

    const connections = pending.map(({ request }) => open(request));
    expect(connections.map(({ readyState }) => readyState)).toEqual(['open', 'open']);
    expect(allowed('203.0.113.1')).toEqual(['Too many connections.', false]);
  });

  it('gives back the place of a handshake let in whose connection the engine never opened', async () => {
    handshake('203.0.113.1');
    handshake('203.0.113.1');
    expect(allowed('203.0.113.1')).toEqual(['Too many connections.', false]);
    await nextTurn();
    expect(allowed('203.0.113.1')).toEqual([null, true]);
  });

  it('closes a connection over the cap that took no place at its handshake, holding no place for it', () => {
    const held = [open(handshakeRequest('203.0.113.1')), open(handshakeRequest('203.0.113.1'))];
    const late = open(handshakeRequest('203.0.113.1'));
    expect(late.readyState).toBe('closed');
    expect(held.map(({ readyState }) => readyState)).toEqual(['open', 'open']);

    held[0].close();
    expect(open(handshakeRequest('203.0.113.1')).readyState).toBe('open');
  });

  it('checks the handshake of a connection whose address could not be read against the connections counted without one', () => {
    open(handshakeRequest(undefined));
    open(handshakeRequest(undefined));
    expect(allowed(undefined)).toEqual(['Too many connections.', false]);
    expect(allowed('203.0.113.1')).toEqual([null, true]);
  });

  it("runs ahead of Socket.IO's own listener, which finds a connection over the cap closed", () => {
    const order: string[] = [];
    engine.on('connection', (connection: FakeConnection) => order.push(connection.readyState));
    open(handshakeRequest('203.0.113.1'));
    open(handshakeRequest('203.0.113.1'));
    open(handshakeRequest('203.0.113.1'));
    expect(order).toEqual(['open', 'open', 'closed']);
  });
});
