import type { IncomingMessage } from 'node:http';

import type { ServerOptions, Socket } from 'socket.io';

import { callerKey } from '../chat/client-address';
import { ConnectionsPerAddress } from './connections-per-address';

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

  constructor(
    max: number,
    private readonly trustedProxyHops: number,
  ) {
    this.connections = new ConnectionsPerAddress(max);
  }

  /** Engine.IO's `allowRequest`: asked at a connection's handshake only, not at later requests. */
  readonly allowRequest: AllowRequest = (request, answer) => {
    if (this.connections.hasPlace(this.callerOf(request))) answer(null, true);
    else answer(TOO_MANY_CONNECTIONS, false);
  };

  /** Counts each connection `engine` opens until it closes. */
  countOn(engine: Engine): void {
    // Ahead of Socket.IO's own listener, so a connection closed here is given no socket.
    engine.prependListener('connection', (connection: EngineConnection) => {
      const place = this.connections.take(this.callerOf(connection.request));
      // Let in by `allowRequest` while another handshake of its address was under way.
      if (place) connection.once('close', place);
      else connection.close();
    });
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
