import { WsException } from '@nestjs/websockets';
import type Redis from 'ioredis';

import type { ImSocket } from '../realtime/socket.types';
import { ChatBot } from './chat-bot';
import { ChatGateway } from './chat.gateway';
import { ChatService } from './chat.service';
import { Clock } from './clock';
import { CHAT_ALLOWANCE } from './message-allowance';
import { SenderAllowance } from './sender-allowance';

class EchoBot extends ChatBot {
  reply(request: { userMessage: string }): Promise<{ userResponse: string; createTime: number }> {
    return Promise.resolve({ userResponse: request.userMessage, createTime: 1 });
  }
}

/** A sender whose allowance is all spent or all there, whatever this socket sends. */
class FixedSenderAllowance extends SenderAllowance {
  constructor(private readonly verdict: boolean) {
    super({} as Redis, CHAT_ALLOWANCE);
  }

  override take(): Promise<boolean> {
    return Promise.resolve(this.verdict);
  }
}

interface FakeSocket {
  socket: ImSocket;
  disconnect: jest.Mock;
}

function fakeSocket(): FakeSocket {
  const disconnect = jest.fn();
  const socket = {
    data: { identity: { kind: 'anonymous', anonymousId: 'device-1' } },
    handshake: { address: '203.0.113.5', headers: {} },
    disconnect,
  };
  return { socket: socket as unknown as ImSocket, disconnect };
}

/** Sends one message; 'answered' or the refusal's message. */
async function send(gateway: ChatGateway, socket: ImSocket): Promise<unknown> {
  try {
    await gateway.onMessage(socket, { msg: '你好' });
    return 'answered';
  } catch (error) {
    if (error instanceof WsException) return error.getError();
    throw error;
  }
}

describe('ChatGateway', () => {
  const clock = new Clock();
  const config = { TRUSTED_PROXY_HOPS: 1 };

  beforeEach(() => jest.useFakeTimers({ now: 1_700_000_000_000 }));
  afterEach(() => jest.useRealTimers());

  it("keeps a socket sending at a person's pace while others of its sender (its address's neighbours, its user's other tabs) spend the sender's allowance", async () => {
    const gateway = new ChatGateway(
      new ChatService(new EchoBot(), clock),
      clock,
      new FixedSenderAllowance(false),
      config,
    );
    const { socket, disconnect } = fakeSocket();
    for (let n = 0; n < 150; n++) {
      expect(await send(gateway, socket)).toEqual({ message: 'Too many requests.' });
      jest.advanceTimersByTime(2000);
    }
    expect(disconnect).not.toHaveBeenCalled();
  });

  it('closes a socket that sends a burst of messages far past its allowance', async () => {
    const gateway = new ChatGateway(
      new ChatService(new EchoBot(), clock),
      clock,
      new FixedSenderAllowance(true),
      config,
    );
    const { socket, disconnect } = fakeSocket();
    const answers = [];
    for (let n = 0; n < 200; n++) answers.push(await send(gateway, socket));
    expect(answers.filter((answer) => answer === 'answered')).toHaveLength(CHAT_ALLOWANCE.burst);
    expect(disconnect).toHaveBeenCalledWith(true);
  });

  it('closes a socket that keeps sending faster than its allowance, however it spaces its messages', async () => {
    const gateway = new ChatGateway(
      new ChatService(new EchoBot(), clock),
      clock,
      new FixedSenderAllowance(true),
      config,
    );
    const { socket, disconnect } = fakeSocket();
    // 50 a second for a minute: one a second is let through, so no 100 are refused in a row.
    for (let n = 0; n < 3000 && disconnect.mock.calls.length === 0; n++) {
      await send(gateway, socket);
      jest.advanceTimersByTime(20);
    }
    expect(disconnect).toHaveBeenCalledWith(true);
  });
});
