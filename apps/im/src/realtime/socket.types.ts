import type { Server, Socket } from 'socket.io';

/**
 * Who is on the other end of a socket, decided once at handshake. A user's `expiresAt` is when
 * the access token it came with expires (ms since the epoch).
 */
export type SocketIdentity =
  | { kind: 'user'; userId: string; sessionId: string; expiresAt: number }
  | { kind: 'anonymous'; anonymousId: string };

/** What the chat sends back (the reference's `message` event; timestamp in seconds). */
export interface ChatReply {
  msg: string;
  timestamp: number;
}

/** Payloads come from the network, so handlers receive `unknown` and validate them. */
export interface ClientToServerEvents {
  message: (payload: unknown) => void;
}

export interface ServerToClientEvents {
  message: (reply: ChatReply) => void;
}

export interface SocketData {
  identity: SocketIdentity;
}

export type ImServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;
export type ImSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;
