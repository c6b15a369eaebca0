import type { chatbot } from '@app/contracts';
import { Logger } from '@nestjs/common';

import { ChatBot } from './chat-bot';
import { CHATBOT_FAILURE_REPLY, ChatService } from './chat.service';
import { Clock } from './clock';

const NOW = 1_700_000_000;

class FixedClock extends Clock {
  override nowSeconds(): number {
    return NOW;
  }
}

class RecordingBot extends ChatBot {
  readonly requests: chatbot.ReceivedMessage[] = [];

  constructor(
    private readonly answer: (
      request: chatbot.ReceivedMessage,
    ) => Promise<chatbot.ResponsedMessage>,
  ) {
    super();
  }

  reply(request: chatbot.ReceivedMessage): Promise<chatbot.ResponsedMessage> {
    this.requests.push(request);
    return this.answer(request);
  }
}

describe('ChatService', () => {
  const message = { text: '你好', createTime: 1_600_000_000 };

  it('passes the user id, text and time to the bot and relays its answer', async () => {
    const bot = new RecordingBot((request) =>
      Promise.resolve({ userResponse: `re:${request.userMessage}`, createTime: 1_600_000_005 }),
    );
    const reply = await new ChatService(bot, new FixedClock()).reply(
      { kind: 'user', userId: '42', sessionId: 'session-42', expiresAt: NOW * 1000 },
      message,
    );
    expect(reply).toEqual({ msg: 're:你好', timestamp: 1_600_000_005 });
    expect(bot.requests).toEqual([
      { userId: '42', userMessage: '你好', createTime: 1_600_000_000 },
    ]);
  });

  it('marks anonymous ids so they cannot pose as a user id', async () => {
    const bot = new RecordingBot(() => Promise.resolve({ userResponse: 'ok', createTime: 0 }));
    const reply = await new ChatService(bot, new FixedClock()).reply(
      { kind: 'anonymous', anonymousId: '42' },
      message,
    );
    expect(bot.requests[0].userId).toBe('anonymous:42');
    expect(reply).toEqual({ msg: 'ok', timestamp: NOW });
  });

  it('answers the reference oops text when the bot fails, and logs why', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const bot = new RecordingBot(() => Promise.reject(new Error('DEADLINE_EXCEEDED')));
    const reply = await new ChatService(bot, new FixedClock()).reply(
      { kind: 'user', userId: '42', sessionId: 'session-42', expiresAt: NOW * 1000 },
      message,
    );
    expect(reply).toEqual({ msg: CHATBOT_FAILURE_REPLY, timestamp: NOW });
    expect(CHATBOT_FAILURE_REPLY).toBe('oops，我病了，容我缓一下...');
    expect(warn).toHaveBeenCalledWith('chatbot failed: DEADLINE_EXCEEDED');
    warn.mockRestore();
  });
});
