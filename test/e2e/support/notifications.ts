import { setTimeout as sleep } from 'node:timers/promises';

import type { TestRedis } from '@app/testing';
import Redis from 'ioredis';

export interface PublishedMessage {
  channel: string;
  message: Buffer;
}

/** Everything the services publish through the Socket.IO Redis emitter, in the order published. */
export interface NotificationTap {
  /** Cleared by the tests that count from a point on (`published.length = 0`). */
  readonly published: PublishedMessage[];
  /** The channel the emitter publishes a room's messages on. */
  roomChannel(room: string): string;
  close(): Promise<void>;
}

export async function tapNotifications(redis: TestRedis): Promise<NotificationTap> {
  const published: PublishedMessage[] = [];
  const subscriber = new Redis(redis.stateUrl);
  subscriber.on('pmessageBuffer', (_pattern: Buffer, channel: Buffer, message: Buffer) => {
    published.push({ channel: channel.toString(), message });
  });
  await subscriber.psubscribe(`${redis.prefix}socket.io*`);
  return {
    published,
    roomChannel: (room) => `${redis.prefix}socket.io#/#${room}#`,
    close: async () => {
      await subscriber.quit();
    },
  };
}

/** Resolves once `condition` holds; fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}
