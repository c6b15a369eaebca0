import { REDIS_STATE } from '@app/cache';
import { type DynamicModule, Module } from '@nestjs/common';
import type Redis from 'ioredis';

import { BuiltInChatBot } from './built-in.chat-bot';
import { ChatBot } from './chat-bot';
import { ChatGateway } from './chat.gateway';
import { ChatService } from './chat.service';
import { Clock } from './clock';
import { GrpcChatBot } from './grpc.chat-bot';
import { CHAT_ALLOWANCE } from './message-allowance';
import { SenderAllowance } from './sender-allowance';

export interface ChatModuleOptions {
  /** External bot address; the built-in bot answers when it is unset. */
  chatbotGrpcUrl?: string;
  /** Replaces the bot altogether (tests). */
  chatBot?: ChatBot;
}

@Module({})
export class ChatModule {
  static forRoot(options: ChatModuleOptions): DynamicModule {
    return {
      module: ChatModule,
      providers: [
        Clock,
        ChatService,
        ChatGateway,
        {
          provide: SenderAllowance,
          inject: [REDIS_STATE],
          useFactory: (state: Redis) => new SenderAllowance(state, CHAT_ALLOWANCE),
        },
        {
          provide: ChatBot,
          inject: [Clock],
          useFactory: (clock: Clock): ChatBot =>
            options.chatBot ??
            (options.chatbotGrpcUrl
              ? new GrpcChatBot(options.chatbotGrpcUrl)
              : new BuiltInChatBot(clock)),
        },
      ],
    };
  }
}
