import { REDIS_STATE } from '@app/cache';
import { DatabaseHealth } from '@app/database';
import { QueueHealth } from '@app/queue';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

/** One flag per real dependency of the worker. */
export interface ReadinessReport {
  queueRedis: boolean;
  stateRedis: boolean;
  mysql: boolean;
}

/** The worker is ready when the queue and state Redis roles answer PING and MySQL `SELECT 1`. */
@Injectable()
export class WorkerReadiness {
  constructor(
    private readonly queue: QueueHealth,
    private readonly database: DatabaseHealth,
    @Inject(REDIS_STATE) private readonly state: Redis,
  ) {}

  async check(timeoutMs = 1000): Promise<ReadinessReport> {
    const [queueRedis, stateRedis, mysql] = await Promise.all([
      this.queue.isReady(timeoutMs),
      this.pingState(timeoutMs),
      this.database.isReady(timeoutMs),
    ]);
    return { queueRedis, stateRedis, mysql };
  }

  private pingState(timeoutMs: number): Promise<boolean> {
    return Promise.race([
      this.state.ping().then((reply) => reply === 'PONG'),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref()),
    ]).catch(() => false);
  }
}
