import { REDIS_STATE } from '@app/cache';
import type { FactoryProvider } from '@nestjs/common';
import { Emitter } from '@socket.io/redis-emitter';
import type Redis from 'ioredis';

/** `following notify`, sent to the followed user. Timestamps are in seconds. */
export interface FollowingNotifyPayload {
  user_id: string;
  user_name: string;
  user_photo: string;
  timestamp: number;
}

/** `liking notify` and `comment notify`, sent to the article's author. */
export interface ArticleNotifyPayload extends FollowingNotifyPayload {
  art_id: string;
  art_title: string;
}

/** The Socket.IO events the services push to the mobile app. */
export interface NotificationEvents {
  'following notify': (payload: FollowingNotifyPayload) => void;
  'liking notify': (payload: ArticleNotifyPayload) => void;
  'comment notify': (payload: ArticleNotifyPayload) => void;
}

/** The IM room of one session's sockets (each signed-in socket is also in room `{userId}`). */
export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;

/** The one Redis call the emitter makes. An ioredis client satisfies it. */
export interface NotificationPublisher {
  publish(channel: string, message: Buffer): Promise<number>;
}

/**
 * Pushes notifications to room `{userId}` on every IM replica through the Socket.IO Redis
 * emitter (replacing the original's RabbitMQ KombuManager). The IM app's Redis adapter must
 * listen on the same Redis with key `${keyPrefix}socket.io`.
 */
export class NotificationEmitter {
  private readonly emitter: Emitter<NotificationEvents>;
  private lastPublish: Promise<number> | undefined;

  constructor(publisher: NotificationPublisher, keyPrefix: string) {
    // The emitter drops publish()'s promise; keeping it lets callers await the result and
    // keeps a Redis failure from becoming an unhandled rejection.
    const capturing = {
      publish: (channel: string, message: Buffer): Promise<number> =>
        (this.lastPublish = publisher.publish(channel, message)),
    };
    this.emitter = new Emitter<NotificationEvents>(capturing, { key: `${keyPrefix}socket.io` });
  }

  /** Tells `userId` that `payload.user_id` followed them. Resolves to the number of IM servers reached. */
  notifyFollowing(userId: string, payload: FollowingNotifyPayload): Promise<number> {
    this.emitter.to(userId).emit('following notify', payload);
    return this.takePublish();
  }

  /** Tells the author `userId` that an article was liked. */
  notifyLiking(userId: string, payload: ArticleNotifyPayload): Promise<number> {
    this.emitter.to(userId).emit('liking notify', payload);
    return this.takePublish();
  }

  /** Tells the author `userId` about a new top-level comment. */
  notifyComment(userId: string, payload: ArticleNotifyPayload): Promise<number> {
    this.emitter.to(userId).emit('comment notify', payload);
    return this.takePublish();
  }

  /** Closes the sockets of a session that ended (logout), on every IM replica. */
  disconnectSession(sessionId: string): Promise<number> {
    this.emitter.in(sessionRoom(sessionId)).disconnectSockets(true);
    return this.takePublish();
  }

  /** Closes every socket of `userId` (freeze, password change: all their sessions ended). */
  disconnectUser(userId: string): Promise<number> {
    this.emitter.in(userId).disconnectSockets(true);
    return this.takePublish();
  }

  private takePublish(): Promise<number> {
    const publish = this.lastPublish;
    this.lastPublish = undefined;
    return publish ?? Promise.reject(new Error('the Socket.IO emitter did not publish'));
  }
}

/** Provides {@link NotificationEmitter} on the state Redis role (the role the IM adapter uses). */
export function provideNotificationEmitter(
  keyPrefix: string,
): FactoryProvider<NotificationEmitter> {
  return {
    provide: NotificationEmitter,
    inject: [REDIS_STATE],
    useFactory: (redis: Redis) => new NotificationEmitter(redis, keyPrefix),
  };
}
