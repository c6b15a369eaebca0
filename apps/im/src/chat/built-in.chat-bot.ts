import type { chatbot } from '@app/contracts';

import { ChatBot } from './chat-bot';
import type { Clock } from './clock';

interface Rule {
  pattern: RegExp;
  answer: (text: string) => string;
}

/**
 * The default bot when no CHATBOT_GRPC_URL is set: fixed rules checked in order, so the same
 * message always gets the same answer.
 * 1. greetings (你好, 您好, 嗨, 在吗, hello, hi, hey) → a self-introduction;
 * 2. thanks (谢谢, 多谢, 感谢, thanks) → 不客气;
 * 3. goodbyes (再见, 拜拜, bye) → a farewell;
 * 4. questions (ending in ?/？, or with 吗/什么/怎么/为什么/如何/what/why/how…) → the question
 *    quoted back with a canned answer;
 * 5. anything else → an acknowledgement quoting the message.
 */
export class BuiltInChatBot extends ChatBot {
  static readonly GREETING = '你好，我是头条小助手，有什么可以帮你的吗？';
  static readonly THANKS = '不客气，很高兴能帮到你！';
  static readonly FAREWELL = '再见，欢迎随时回来找我聊天～';

  private static readonly RULES: readonly Rule[] = [
    { pattern: /你好|您好|嗨|在吗|\b(hello|hi|hey)\b/i, answer: () => BuiltInChatBot.GREETING },
    { pattern: /谢谢|多谢|感谢|\bthank(s| you)\b/i, answer: () => BuiltInChatBot.THANKS },
    { pattern: /再见|拜拜|\b(good)?bye\b/i, answer: () => BuiltInChatBot.FAREWELL },
    {
      pattern: /[?？]$|吗|什么|怎么|为什么|如何|\b(what|why|how|when|where|who)\b/i,
      answer: (text) => `关于「${text}」，这个问题我还在学习中，你可以先在头条搜索看看相关文章。`,
    },
  ];

  constructor(private readonly clock: Clock) {
    super();
  }

  reply(request: chatbot.ReceivedMessage): Promise<chatbot.ResponsedMessage> {
    return Promise.resolve({
      userResponse: BuiltInChatBot.answer(request.userMessage),
      createTime: this.clock.nowSeconds(),
    });
  }

  static answer(message: string): string {
    const text = message.trim();
    const rule = BuiltInChatBot.RULES.find((candidate) => candidate.pattern.test(text));
    return rule ? rule.answer(text) : `收到：「${text}」。我会继续学习，争取下次答得更好。`;
  }
}
