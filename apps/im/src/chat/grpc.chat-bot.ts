import type { chatbot } from '@app/contracts';
import { GRPC_LOADER_OPTIONS, protoFile, refusedReplyInterceptor } from '@app/grpc';
import { type Client, credentials, loadPackageDefinition, Metadata } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { OnApplicationShutdown } from '@nestjs/common';

import { ChatBot } from './chat-bot';

export const CHATBOT_DEADLINE_MS = 3000;

interface UnaryMethod<Request, Response> {
  path: string;
  serialize: (request: Request) => Buffer;
  deserialize: (bytes: Buffer) => Response;
}

/**
 * The original chatbot service (`ChatBotService.Chatbot` in chatbot.proto, which has no
 * package). Called with grpc-js directly: Nest's gRPC client needs a package name.
 */
export class GrpcChatBot extends ChatBot implements OnApplicationShutdown {
  private readonly client: Client;
  private readonly method: UnaryMethod<chatbot.ReceivedMessage, chatbot.ResponsedMessage>;

  constructor(
    url: string,
    private readonly deadlineMs = CHATBOT_DEADLINE_MS,
  ) {
    super();
    const service = loadPackageDefinition(
      loadSync(protoFile('chatbot.proto'), GRPC_LOADER_OPTIONS),
    ).ChatBotService;
    if (typeof service !== 'function') throw new Error('chatbot.proto defines no ChatBotService');
    // A reply over the message limit ends INTERNAL, as on the other services' clients.
    this.client = new service(url, credentials.createInsecure(), {
      interceptors: [refusedReplyInterceptor()],
    });
    const definition = service.service.Chatbot;
    this.method = {
      path: definition.path,
      serialize: (request) => definition.requestSerialize(request),
      deserialize: (bytes) => toResponsedMessage(definition.responseDeserialize(bytes)),
    };
  }

  reply(request: chatbot.ReceivedMessage): Promise<chatbot.ResponsedMessage> {
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        this.method.path,
        this.method.serialize,
        this.method.deserialize,
        request,
        new Metadata(),
        { deadline: Date.now() + this.deadlineMs },
        (error, response) => {
          if (error) reject(error);
          else if (response === undefined) reject(new Error('chatbot sent no response'));
          else resolve(response);
        },
      );
    });
  }

  onApplicationShutdown(): void {
    this.client.close();
  }
}

function toResponsedMessage(value: unknown): chatbot.ResponsedMessage {
  if (typeof value === 'object' && value !== null) {
    const { userResponse, createTime } = value as Record<string, unknown>;
    if (typeof userResponse === 'string' && typeof createTime === 'number')
      return { userResponse, createTime };
  }
  throw new Error('chatbot sent a malformed response');
}
