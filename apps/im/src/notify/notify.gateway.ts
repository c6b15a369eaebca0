import { AppError, ERROR_TABLE, ErrorKind, isStoreUnavailable } from '@app/grpc';
import { sessionRoom } from '@app/queue';
import { Logger } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';

import type { ImServer, ImSocket } from '../realtime/socket.types';
import { callAt } from './expiry-timer';
import { handshakeQuery } from './handshake-credentials';
import { SocketAuthenticator } from './socket-authenticator';

const ALREADY_CONNECTED = 'Already connected.';
/** Never sent: Socket.IO answers no socket of a closed connection. */
const CONNECTION_CLOSED = 'Connection closed.';

/**
 * Authenticates every socket at handshake and puts signed-in users in room `<user_id>`, the
 * room that `following notify`, `liking notify` and `comment notify` are published to through
 * the Redis emitter, and in the room of their session, which the user service closes when the
 * session ends; a signed-in socket is also closed when its access token expires. Anonymous
 * sockets join no user room: an anonymous id is not proof of anything, so it must never let a
 * client receive someone else's notifications.
 */
@WebSocketGateway()
export class NotifyGateway implements OnGatewayInit<ImServer>, OnGatewayConnection<ImSocket> {
  private readonly logger = new Logger(NotifyGateway.name);
  /**
   * Connections with a socket, or one being authenticated. Socket.IO makes a socket of each
   * CONNECT packet that comes while the connection's socket is being authenticated, so a client
   * repeating that 2-byte packet got a socket per packet (a session read, 3.5 KiB of heap) until
   * it closed. A client sends another only once its socket is gone.
   */
  private readonly occupied = new WeakSet<ImSocket['conn']>();

  constructor(private readonly authenticator: SocketAuthenticator) {}

  afterInit(server: ImServer): void {
    // A middleware refuses before the connection exists, so the client gets `connect_error`.
    server.use((socket, next) => {
      const connection = socket.conn;
      // Closed by a packet after the CONNECT in the same request or frame batch: its `close`
      // came before this ran, and Socket.IO drops the socket, so its session is not worth a read.
      if (connection.readyState !== 'open') return next(new Error(CONNECTION_CLOSED));
      if (this.occupied.has(connection)) return next(new Error(ALREADY_CONNECTED));
      this.occupied.add(connection);
      this.authenticator.authenticate(handshakeQuery(socket.handshake.url), socket.id).then(
        (identity) => {
          socket.data.identity = identity;
          socket.once('disconnect', () => this.occupied.delete(connection));
          next();
        },
        (error: unknown) => {
          this.occupied.delete(connection);
          next(this.refusal(error));
          if (isStoreUnavailable(error)) closeAfterRefusal(socket);
        },
      );
    });
  }

  handleConnection(socket: ImSocket): void {
    const identity = socket.data.identity;
    if (identity.kind !== 'user') return;
    // The session's room lets the user service close these sockets when the session ends.
    void socket.join([identity.userId, sessionRoom(identity.sessionId)]);
    this.closeIfSessionEnded(socket, identity.sessionId);
    // Its token no longer lets anyone in, so neither may the socket stay. No event comes first:
    // the reference has none, and a client connects again with the token it holds now.
    const cancel = callAt(identity.expiresAt, () => socket.disconnect(true));
    socket.once('disconnect', cancel);
  }

  /**
   * A logout or freeze closes the session's sockets through its room; one that came after the
   * handshake read the session but before the socket joined the room missed it, and left the
   * socket receiving the user's notifications until its token expired. Read again once it is in
   * the room, a session ended before is seen here and one ended after reaches the socket.
   */
  private closeIfSessionEnded(socket: ImSocket, sessionId: string): void {
    this.authenticator.sessionIsLive(sessionId).then(
      (live) => {
        if (!live) socket.disconnect(true);
      },
      // The handshake read it live a moment ago; the Redis client logs an outage once.
      (error: unknown) => {
        if (!isStoreUnavailable(error)) this.logger.error(error);
      },
    );
  }

  private refusal(error: unknown): Error {
    if (error instanceof AppError) return new Error(error.message);
    // The session could not be read (state Redis down): the client's next attempt may pass, and
    // the Redis client already logs the outage once, where each attempt logged an error here.
    if (isStoreUnavailable(error))
      return new Error(ERROR_TABLE[ErrorKind.Unavailable].defaultMessage);
    this.logger.error(error);
    return new Error('Internal server error.');
  }
}

/**
 * Closes the connection of a socket refused for a passing reason (Redis down), once the refusal
 * is sent.
 * socket.io-client 2 (toutiao-m's) tries again only when its connection closes: left open, it
 * waited for Socket.IO's connect timeout (45 s) after Redis was back. A client refused for its
 * token keeps its connection, so it does not come back to be refused every few seconds.
 */
function closeAfterRefusal(socket: ImSocket): void {
  // Socket.IO sends the refusal on the next tick of the one that refused; the engine sends what
  // it holds before it closes.
  setImmediate(() => socket.conn.close());
}
