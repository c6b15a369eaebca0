import { APP_CONFIG } from '@app/config';
import { limitKeyOfAddress } from '@app/grpc';
import { Inject } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WsException,
  type WsResponse,
} from '@nestjs/websockets';

import type { ImConfig } from '../config/im.config';
import type { ChatReply, ImSocket } from '../realtime/socket.types';
import { parseChatMessage } from './chat-message';
import { ChatService } from './chat.service';
import { clientAddress } from './client-address';
import { Clock } from './clock';
import { CHAT_ALLOWANCE, MessageAllowance } from './message-allowance';
import { SenderAllowance } from './sender-allowance';

interface SocketAllowance {
  own: MessageAllowance;
  /** Whom the socket's messages are also counted against, across sockets and replicas. */
  sender: string;
  /** The socket's messages refused since one was let through. */
  refusedInARow: number;
}

/**
 * A socket that sends on after this many refusals in a row is closed: each refusal is answered,
 * and a client that does not read its answers had im queue them all (a long-polling client that
 * never polled held 18 MB of refusals for each MB it sent, until its ping timeout).
 */
export const MAX_REFUSED_IN_A_ROW = 100;

/** Client event `message` `{msg, timestamp}` → the bot's `message` `{msg, timestamp}` to the sender only. */
@WebSocketGateway()
export class ChatGateway {
  /** Made on a socket's first message, so a socket that only listens for notifications costs nothing. */
  private readonly allowances = new WeakMap<ImSocket, SocketAllowance>();

  constructor(
    private readonly chat: ChatService,
    private readonly clock: Clock,
    private readonly senders: SenderAllowance,
    @Inject(APP_CONFIG) private readonly config: Pick<ImConfig, 'TRUSTED_PROXY_HOPS'>,
  ) {}

  @SubscribeMessage('message')
  async onMessage(
    @ConnectedSocket() socket: ImSocket,
    @MessageBody() payload: unknown,
  ): Promise<WsResponse<ChatReply>> {
    // Every message may cost a bot call; a sender that floods gets the HTTP edge's 429 text. The
    // socket's own allowance needs no Redis, so a flood on one socket never reaches it.
    const allowance = this.allowance(socket);
    if (!allowance.own.take(performance.now()) || !(await this.senders.take(allowance.sender))) {
      if (++allowance.refusedInARow >= MAX_REFUSED_IN_A_ROW) socket.disconnect(true);
      throw new WsException({ message: 'Too many requests.' });
    }
    allowance.refusedInARow = 0;
    const parsed = parseChatMessage(payload, this.clock.nowSeconds());
    // Reaches the sender as an `exception` event, shaped like the HTTP validation errors.
    if (!parsed.ok) throw new WsException({ message: parsed.errors });
    return { event: 'message', data: await this.chat.reply(socket.data.identity, parsed.message) };
  }

  private allowance(socket: ImSocket): SocketAllowance {
    let allowance = this.allowances.get(socket);
    if (!allowance) {
      allowance = {
        own: new MessageAllowance(CHAT_ALLOWANCE, performance.now()),
        sender: this.senderOf(socket),
        refusedInARow: 0,
      };
      this.allowances.set(socket, allowance);
    }
    return allowance;
  }

  /**
   * A signed-in user by id; an anonymous socket by its caller's address (an IPv6 caller by its
   * /64), since anonymous ids cost nothing to make up.
   */
  private senderOf(socket: ImSocket): string {
    const { identity } = socket.data;
    if (identity.kind === 'user') return `user:${identity.userId}`;
    const { address, headers } = socket.handshake;
    const caller = clientAddress(address, headers['x-forwarded-for'], this.config.TRUSTED_PROXY_HOPS);
    return `ip:${limitKeyOfAddress(caller)}`;
  }
}
