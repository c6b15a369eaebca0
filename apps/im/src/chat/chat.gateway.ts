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

/** Client event `message` `{msg, timestamp}` → the bot's `message` `{msg, timestamp}` to the sender only. */
@WebSocketGateway()
export class ChatGateway {
  constructor(
    private readonly chat: ChatService,
    private readonly clock: Clock,
  ) {}

  @SubscribeMessage('message')
  async onMessage(
    @ConnectedSocket() socket: ImSocket,
    @MessageBody() payload: unknown,
  ): Promise<WsResponse<ChatReply>> {
    const parsed = parseChatMessage(payload, this.clock.nowSeconds());
    // Reaches the sender as an `exception` event, shaped like the HTTP validation errors.
    if (!parsed.ok) throw new WsException({ message: parsed.errors });
    return { event: 'message', data: await this.chat.reply(socket.data.identity, parsed.message) };
  }
}
