import { errorMessage } from '@app/config';
import { Injectable, Logger } from '@nestjs/common';

import type { ChatReply, SocketIdentity } from '../realtime/socket.types';
import { ChatBot } from './chat-bot';
import type { ChatMessage } from './chat-message';
import { Clock } from './clock';

/** The reference's reply when the bot fails or times out. */
export const CHATBOT_FAILURE_REPLY = 'oops，我病了，容我缓一下...';

@Injectable()
export class ChatService {
  private readonly logger = new Logger(ChatService.name);
  /** The bot failed the last message: its outage is logged once, however many messages it fails. */
  private failing = false;
  /** Messages sent to the bot so far, and how many had been when `failing` last changed. */
  private sent = 0;
  private sentWhenChanged = 0;

  constructor(
    private readonly bot: ChatBot,
    private readonly clock: Clock,
  ) {}

  async reply(identity: SocketIdentity, message: ChatMessage): Promise<ChatReply> {
    const sent = ++this.sent;
    try {
      const answer = await this.bot.reply({
        userId: chatUserId(identity),
        userMessage: message.text,
        createTime: message.createTime,
      });
      if (this.failing && this.turnsOver(sent)) this.logger.log('chatbot answers again');
      return {
        msg: answer.userResponse,
        timestamp: answer.createTime > 0 ? answer.createTime : this.clock.nowSeconds(),
      };
    } catch (error) {
      // Once per outage: every message a down bot failed logged a line, as many as were sent.
      if (!this.failing && this.turnsOver(sent))
        this.logger.warn(`chatbot failed: ${errorMessage(error)}`);
      return { msg: CHATBOT_FAILURE_REPLY, timestamp: this.clock.nowSeconds() };
    }
  }

  /**
   * Turns `failing` over for the outcome of message number `sent`, unless that message was sent
   * before the last turn: a message that hung until its deadline while the bot came back, or
   * that a stopping bot still answered, tells nothing new, and each turned it over again.
   */
  private turnsOver(sent: number): boolean {
    if (sent <= this.sentWhenChanged) return false;
    this.failing = !this.failing;
    this.sentWhenChanged = this.sent;
    return true;
  }
}

/**
 * The bot's `user_id`. Anonymous ids are client-chosen, so they are marked to keep a bot that
 * keys conversations by user from mixing an anonymous chat into a real user's history.
 */
export function chatUserId(identity: SocketIdentity): string {
  return identity.kind === 'user' ? identity.userId : `anonymous:${identity.anonymousId}`;
}
