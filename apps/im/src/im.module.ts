import { AuthModule, type JwtKeySet } from '@app/auth';
import { RedisModule } from '@app/cache';
import { AppConfigModule, AppLoggerModule } from '@app/config';
import { type DynamicModule, Module } from '@nestjs/common';

import type { ChatBot } from './chat/chat-bot';
import { ChatModule } from './chat/chat.module';
import type { ImConfig } from './config/im.config';
import { HealthModule } from './health/health.module';
import { NotifyModule } from './notify/notify.module';
import { RealtimeModule } from './realtime/realtime.module';

/** Test seams: in-memory JWT keys instead of JWT_KEYS_DIR, or a stand-in bot. */
export interface ImOverrides {
  keySet?: JwtKeySet;
  chatBot?: ChatBot;
}

@Module({})
export class ImModule {
  static forRoot(config: ImConfig, overrides: ImOverrides = {}): DynamicModule {
    return {
      module: ImModule,
      imports: [
        AppConfigModule.forValue(config),
        AppLoggerModule.forRoot(config, 'im'),
        // The state client also backs the session check at handshake.
        RedisModule.forRoot({
          cacheUrl: config.REDIS_CACHE_URL,
          stateUrl: config.REDIS_STATE_URL,
          keyPrefix: config.REDIS_KEY_PREFIX,
          commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
        }),
        AuthModule.forRoot(
          overrides.keySet ? { keySet: overrides.keySet } : { keysDir: config.JWT_KEYS_DIR },
        ),
        RealtimeModule,
        NotifyModule,
        ChatModule.forRoot({ chatbotGrpcUrl: config.CHATBOT_GRPC_URL, chatBot: overrides.chatBot }),
        HealthModule,
      ],
    };
  }
}
