import type { IncomingMessage } from 'node:http';

import type { ServerOptions, Socket } from 'socket.io';

import { callerKey } from '../chat/client-address';
import { ConnectionsPerAddress, type ReleasePlace } from './connections-per-address';

export const TOO_MANY_CONNECTIONS = 'Too many connections.';

type AllowRequest = NonNullable<ServerOptions['allowRequest']>;
type EngineConnection = Pick<Socket['conn'], 'request' | 'close' | 'once'>;

/** Socket.IO's engine (`Server['engine']`), as far as the cap listens to it. */
interface Engine {
  prependListener(event: 'connection', listener: (connection: EngineConnection) => void): unknown;
}

/**
 * IM_MAX_CONNECTIONS_PER_IP on the Engine.IO connections of each caller address, with a socket or
 * not: a connection that never sent CONNECT waited 45 s for Socket.IO's connect timeout, and one
 * whose socket left (a DISCONNECT packet) stayed for as long as it answered pings, neither counted
 * with sockets. A connection holds one socket at most, so its sockets are capped too. One more is
 * refused at its handshake, before it costs a session: 403 (400 for a WebSocket) `Too many
 * connections.`, which Socket.IO clients take as a `connect_error` and try again after their
 * reconnection delay.
 */
export class EngineConnectionCap {
  private readonly connections: ConnectionsPerAddress;
  /** The places taken by handshakes let in, until the engine opens their connection. */
  private readonly reserved = new WeakMap<IncomingMessage, ReleasePlace>();

  constructor(
    max: number,
    private readonly trustedProxyHops: number,
  ) {
    this.connections = new ConnectionsPerAddress(max);
  }

  /** Engine.IO's `allowRequest`: asked at a connection's handshake only, not at later requests. */
  readonly allowRequest: AllowRequest = (request, answer) => {
    const place = this.connections.take(this.callerOf(request));
    if (!place) return answer(TOO_MANY_CONNECTIONS, false);
    // Taken now, so handshakes read with this one (pipelined on its connection) find it taken: the
    // engine opens the connection before it reads anything else, waiting on no I/O. One it drops
    // after this answer (an upgrade `ws` refuses) opens none, and its place is given back then.
    this.reserved.set(request, place);
    setImmediate(() => this.unreserve(request)?.());
    answer(null, true);
  };

  /** Counts each connection `engine` opens until it closes. */
  countOn(engine: Engine): void {
    // Ahead of Socket.IO's own listener, so a connection closed here is given no socket.
    engine.prependListener('connection', (connection: EngineConnection) => {
      // Its place taken at its handshake; one that came without (`allowRequest` unset) takes one
      // now, and is closed over the cap.
      const place =
        this.unreserve(connection.request) ??
        this.connections.take(this.callerOf(connection.request));
      if (place) connection.once('close', place);
      else connection.close();
    });
  }

  private unreserve(request: IncomingMessage): ReleasePlace | undefined {
    const place = this.reserved.get(request);
    this.reserved.delete(request);
    return place;
  }

  /**
   * Read from the handshake request on both sides, so a connection is counted under the key its
   * handshake was checked by: Node reads no address from a socket the client reset as its request
   * came, which the engine's `remoteAddress` keeps as undefined. A known address is the engine's,
   * which the chat limit reads too.
   */
  private callerOf(request: Pick<IncomingMessage, 'socket' | 'headers'>): string {
    return callerKey(
      { address: request.socket.remoteAddress ?? '', headers: request.headers },
      this.trustedProxyHops,
    );
  }
}
