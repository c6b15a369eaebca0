import { BuiltInChatBot } from './built-in.chat-bot';
import { Clock } from './clock';

class FixedClock extends Clock {
  override nowSeconds(): number {
    return 1_700_000_000;
  }
}

describe('BuiltInChatBot', () => {
  const bot = new BuiltInChatBot(new FixedClock());

  it('greets greetings in Chinese and English', () => {
    for (const text of ['你好', '在吗', 'Hello there', 'hi'])
      expect(BuiltInChatBot.answer(text)).toBe(BuiltInChatBot.GREETING);
  });

  it('does not take words that merely contain "hi" for a greeting', () => {
    expect(BuiltInChatBot.answer('this is nothing')).not.toBe(BuiltInChatBot.GREETING);
  });

  it('answers thanks and goodbyes', () => {
    expect(BuiltInChatBot.answer('谢谢你')).toBe(BuiltInChatBot.THANKS);
    expect(BuiltInChatBot.answer('Thanks!')).toBe(BuiltInChatBot.THANKS);
    expect(BuiltInChatBot.answer('再见')).toBe(BuiltInChatBot.FAREWELL);
    expect(BuiltInChatBot.answer('bye')).toBe(BuiltInChatBot.FAREWELL);
  });

  it('quotes questions back with a canned answer', () => {
    expect(BuiltInChatBot.answer('  Python 怎么学？ ')).toBe(
      '关于「Python 怎么学？」，这个问题我还在学习中，你可以先在头条搜索看看相关文章。',
    );
    expect(BuiltInChatBot.answer('why is the sky blue')).toContain('关于「why is the sky blue」');
  });

  it('acknowledges anything else by quoting it', () => {
    expect(BuiltInChatBot.answer('今天天气不错')).toBe(
      '收到：「今天天气不错」。我会继续学习，争取下次答得更好。',
    );
  });

  it('replies deterministically with the current time in seconds', async () => {
    const request = { userId: '1', userMessage: '你好', createTime: 1 };
    const first = await bot.reply(request);
    expect(first).toEqual({ userResponse: BuiltInChatBot.GREETING, createTime: 1_700_000_000 });
    expect(await bot.reply(request)).toEqual(first);
  });
});
