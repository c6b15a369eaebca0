import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WsException,
  type WsResponse,
} from '@nestjs/websockets';

import type { ChatReply, ImSocket } from '../realtime/socket.types';
import { parseChatMessage } from './chat-message';
import { ChatService } from './chat.service';
import { Clock } from './clock';
import { CHAT_ALLOWANCE, MessageAllowance } from './message-allowance';

/** Client event `message` `{msg, timestamp}` → the bot's `message` `{msg, timestamp}` to the sender only. */
@WebSocketGateway()
export class ChatGateway {
  /** Made on a socket's first message, so a socket that only listens for notifications costs nothing. */
  private readonly allowances = new WeakMap<ImSocket, MessageAllowance>();

  constructor(
    private readonly chat: ChatService,
    private readonly clock: Clock,
  ) {}

  @SubscribeMessage('message')
  async onMessage(
    @ConnectedSocket() socket: ImSocket,
    @MessageBody() payload: unknown,
  ): Promise<WsResponse<ChatReply>> {
    // Every message may cost a bot call; a socket that floods gets the HTTP edge's 429 text.
    if (!this.allowance(socket).take(performance.now()))
      throw new WsException({ message: 'Too many requests.' });
    const parsed = parseChatMessage(payload, this.clock.nowSeconds());
    // Reaches the sender as an `exception` event, shaped like the HTTP validation errors.
    if (!parsed.ok) throw new WsException({ message: parsed.errors });
    return { event: 'message', data: await this.chat.reply(socket.data.identity, parsed.message) };
  }

  private allowance(socket: ImSocket): MessageAllowance {
    let allowance = this.allowances.get(socket);
    if (!allowance) {
      allowance = new MessageAllowance(CHAT_ALLOWANCE, performance.now());
      this.allowances.set(socket, allowance);
    }
    return allowance;
  }
}
