import type { chatbot } from '@app/contracts';

/**
 * Answers one chat message. The request and reply are the original `chatbot.proto` messages,
 * so the built-in bot and an external gRPC bot are interchangeable. Rejects when it cannot answer.
 */
export abstract class ChatBot {
  abstract reply(request: chatbot.ReceivedMessage): Promise<chatbot.ResponsedMessage>;
}
