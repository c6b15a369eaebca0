import { JwtKeySet } from '@app/auth';
import type { chatbot } from '@app/contracts';
import { createTestRedis, type TestRedis } from '@app/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Socket } from 'socket.io-client';

import { connectIm, startIm } from './support/im-app';

jest.setTimeout(30_000);

/**
 * toutiao-m's chat page appends each `message` it hears under the one the user sent last, with
 * nothing naming the message it answers: the answers of one socket must come in the order of its
 * messages, however long the bot takes over each.
 */
describe('im chat answers in the order of the messages (e2e)', () => {
  const sockets: Socket[] = [];
  let redis: TestRedis;
  let im: NestFastifyApplication;
  let port: number;
  /** Lets the bot's answer to the first message go, once the second has been asked and answered. */
  let releaseFirst!: () => void;

  /** Slow over the first message of a conversation, at once over the next. */
  const bot = {
    reply: async (request: chatbot.ReceivedMessage): Promise<chatbot.ResponsedMessage> => {
      if (request.userMessage === '第一条')
        await new Promise<void>((resolve) => (releaseFirst = resolve));
      else setTimeout(() => releaseFirst(), 50);
      return { userResponse: `答：${request.userMessage}`, createTime: 1_600_000_000 };
    },
  };

  beforeAll(async () => {
    redis = createTestRedis();
    ({ app: im, port } = await startIm(redis, {
      keySet: JwtKeySet.generate('im-chat-order'),
      chatBot: bot,
    }));
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await im?.close();
    await redis?.cleanup();
  });

  it("answers a socket's second message after its first, where the bot answered the second first", async () => {
    // The chat page's socket: no query.
    const socket = await connectIm(sockets, port, {});
    const answers: string[] = [];
    const both = new Promise<void>((resolve) =>
      socket.on('message', (reply: { msg: string }) => {
        answers.push(reply.msg);
        if (answers.length === 2) resolve();
      }),
    );
    socket.emit('message', { msg: '第一条', timestamp: Date.now() });
    socket.emit('message', { msg: '第二条', timestamp: Date.now() });
    await both;
    expect(answers).toEqual(['答：第一条', '答：第二条']);
  });

  it('sends at its close the answers held behind a slower one, where they were dropped unsent', async () => {
    let heardBoth!: () => void;
    const asked = new Promise<void>((resolve) => (heardBoth = resolve));
    let heard = 0;
    // Slow over the first message, at once over the second: its answer is held behind the first.
    const slowThenQuick = {
      reply: async (request: chatbot.ReceivedMessage): Promise<chatbot.ResponsedMessage> => {
        if (++heard === 2) heardBoth();
        if (request.userMessage === '第一条')
          await new Promise((resolve) => setTimeout(resolve, 500));
        return { userResponse: `答：${request.userMessage}`, createTime: 1_600_000_000 };
      },
    };
    const { app: stopping, port: stoppingPort } = await startIm(redis, {
      keySet: JwtKeySet.generate('im-chat-order-close'),
      chatBot: slowThenQuick,
    });
    const socket = await connectIm(sockets, stoppingPort, {});
    const events: string[] = [];
    socket.on('message', (reply: { msg: string }) => events.push(reply.msg));
    const closed = new Promise((resolve) => socket.once('disconnect', resolve));
    socket.on('disconnect', (reason: string) => events.push(`disconnect: ${reason}`));
    socket.emit('message', { msg: '第一条', timestamp: Date.now() });
    socket.emit('message', { msg: '第二条', timestamp: Date.now() });
    await asked;
    await stopping.close();
    await closed;
    // A transport closed, not a server's disconnect: the client connects again, to another replica.
    expect(events).toEqual(['答：第一条', '答：第二条', 'disconnect: transport close']);
  });
});
