import { APP_CONFIG } from '@app/config';
import { Inject, UseFilters } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WsException,
  type WsResponse,
} from '@nestjs/websockets';

import type { ImConfig } from '../config/im.config';
import { AcknowledgingExceptionFilter } from '../realtime/acknowledging-exception.filter';
import type { ChatReply, ImSocket } from '../realtime/socket.types';
import { parseChatMessage } from './chat-message';
import { ChatService } from './chat.service';
import { callerKey } from './client-address';
import { Clock } from './clock';
import { type AllowanceRule, CHAT_ALLOWANCE, MessageAllowance } from './message-allowance';
import { SenderAllowance } from './sender-allowance';

interface SocketAllowance {
  own: MessageAllowance;
  /** Whom the socket's messages are also counted against, across sockets and replicas. */
  sender: string;
  /** How many more of its messages its own allowance may refuse before the socket is closed. */
  refusals: MessageAllowance;
}

/**
 * A socket whose own allowance refuses 100 of its messages at once, or more than one a second
 * after that, is closed: each refusal is answered, and a client that does not read its answers
 * had im queue them all (a long-polling client that never polled held 18 MB of refusals for each
 * MB it sent, until its ping timeout). Refusals by the sender's allowance do not count: other
 * sockets of the sender (a user's other tabs, the neighbours behind an address) spend it too, and
 * a person typing on this socket must not be closed for them.
 */
export const REFUSAL_ALLOWANCE: AllowanceRule = { burst: 100, intervalMs: 1000 };

/**
 * Client event `message` `{msg, timestamp}` → the bot's `message` `{msg, timestamp}` to the sender
 * only, a refusal as an `exception` event; either also through the message's ack if it has one.
 */
@WebSocketGateway()
@UseFilters(new AcknowledgingExceptionFilter())
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
    const now = performance.now();
    if (!allowance.own.take(now)) {
      if (!allowance.refusals.take(now)) socket.disconnect(true);
      throw new WsException({ message: 'Too many requests.' });
    }
    if (!(await this.senders.take(allowance.sender)))
      throw new WsException({ message: 'Too many requests.' });
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
        refusals: new MessageAllowance(REFUSAL_ALLOWANCE, performance.now()),
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
    return `ip:${callerKey(socket.handshake, this.config.TRUSTED_PROXY_HOPS)}`;
  }
}
