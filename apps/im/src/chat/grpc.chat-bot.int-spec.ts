import type { chatbot } from '@app/contracts';
import {
  GRPC_LOADER_OPTIONS,
  GRPC_MAX_MESSAGE_BYTES,
  isGrpcServiceError,
  isRefusedReply,
  protoFile,
} from '@app/grpc';
import {
  loadPackageDefinition,
  type sendUnaryData,
  Server,
  type ServerUnaryCall,
  ServerCredentials,
  type ServiceClientConstructor,
  status,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

import { GrpcChatBot } from './grpc.chat-bot';

/**
 * A chatbot service on a real grpc-js server that echoes the message, or answers one longer than
 * the message limit when asked `large`.
 */
async function startChatBot(): Promise<{ server: Server; url: string }> {
  const service = loadPackageDefinition(loadSync(protoFile('chatbot.proto'), GRPC_LOADER_OPTIONS))
    .ChatBotService as ServiceClientConstructor;
  const server = new Server();
  server.addService(service.service, {
    chatbot: (
      call: ServerUnaryCall<chatbot.ReceivedMessage, chatbot.ResponsedMessage>,
      callback: sendUnaryData<chatbot.ResponsedMessage>,
    ) => {
      const { userMessage, createTime } = call.request;
      const userResponse =
        userMessage === 'large' ? 'x'.repeat(GRPC_MAX_MESSAGE_BYTES + 1) : `echo: ${userMessage}`;
      callback(null, { userResponse, createTime });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return { server, url: `127.0.0.1:${port}` };
}

describe('GrpcChatBot (int: a chatbot service on a real grpc-js server)', () => {
  let chatBot: Awaited<ReturnType<typeof startChatBot>>;
  let bot: GrpcChatBot;

  beforeAll(async () => {
    chatBot = await startChatBot();
    bot = new GrpcChatBot(chatBot.url);
  });

  afterAll(async () => {
    bot.onApplicationShutdown();
    await new Promise<void>((resolve) => chatBot.server.tryShutdown(() => resolve()));
  });

  it("answers the bot's reply", async () => {
    await expect(bot.reply({ userId: '1', userMessage: 'hi', createTime: 7 })).resolves.toEqual({
      userResponse: 'echo: hi',
      createTime: 7,
    });
  });

  it("fails a reply over the message limit INTERNAL as a refused reply, as the services' clients do, not RESOURCE_EXHAUSTED as a refused request", async () => {
    const error: unknown = await bot
      .reply({ userId: '1', userMessage: 'large', createTime: 7 })
      .then(
        () => undefined,
        (refused: unknown) => refused,
      );
    expect([isGrpcServiceError(error) && error.code, isRefusedReply(error)]).toEqual([
      status.INTERNAL,
      true,
    ]);
  });
});
