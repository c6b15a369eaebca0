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
  it('logs a bot outage once, however many messages it fails, and its end once', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    let up = false;
    const bot = new RecordingBot(() =>
      up
        ? Promise.resolve({ userResponse: 'ok', createTime: 0 })
        : Promise.reject(new Error('UNAVAILABLE')),
    );
    const chat = new ChatService(bot, new FixedClock());
    const user = { kind: 'anonymous', anonymousId: '7' } as const;
    for (let n = 0; n < 5; n++) await chat.reply(user, message);
    expect(warn).toHaveBeenCalledTimes(1);
    up = true;
    for (let n = 0; n < 3; n++) await chat.reply(user, message);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log).toHaveBeenCalledWith('chatbot answers again');
    up = false;
    for (let n = 0; n < 3; n++) await chat.reply(user, message);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(bot.requests).toHaveLength(11);
    warn.mockRestore();
    log.mockRestore();
  });

  it('logs a hung bot outage and its end once each, while messages sent before it answered again time out after', async () => {
    // A hung bot fails each message at its deadline, 3 s after it was sent: once it answers again,
    // the messages sent while it hung still fail, one after another, among the new answers.
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const hung: Array<(error: Error) => void> = [];
    let up = false;
    const bot = new RecordingBot(() =>
      up
        ? Promise.resolve({ userResponse: 'ok', createTime: 0 })
        : new Promise((_resolve, reject) => hung.push(reject)),
    );
    const chat = new ChatService(bot, new FixedClock());
    const user = { kind: 'anonymous', anonymousId: '7' } as const;
    const sentWhileHung = Array.from({ length: 4 }, () => chat.reply(user, message));
    hung[0](new Error('DEADLINE_EXCEEDED'));
    await sentWhileHung[0];
    up = true;
    for (let n = 1; n < 4; n++) {
      await chat.reply(user, message);
      hung[n](new Error('DEADLINE_EXCEEDED'));
      await sentWhileHung[n];
    }
    await chat.reply(user, message);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(log).toHaveBeenCalledTimes(1);
    warn.mockRestore();
    log.mockRestore();
  });

  it('logs no return of a bot that stopped, for the answers to messages sent before it failed', async () => {
    // A bot shutting down answers the messages it took and refuses new ones.
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const taken: Array<() => void> = [];
    let up = true;
    const bot = new RecordingBot(() =>
      up
        ? new Promise((resolve) => taken.push(() => resolve({ userResponse: 'ok', createTime: 0 })))
        : Promise.reject(new Error('UNAVAILABLE')),
    );
    const chat = new ChatService(bot, new FixedClock());
    const user = { kind: 'anonymous', anonymousId: '7' } as const;
    const sentBefore = Array.from({ length: 3 }, () => chat.reply(user, message));
    up = false;
    for (let n = 0; n < 3; n++) {
      await chat.reply(user, message);
      taken[n]();
      await sentBefore[n];
    }
    await chat.reply(user, message);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(log).not.toHaveBeenCalled();
    warn.mockRestore();
    log.mockRestore();
  });
});
