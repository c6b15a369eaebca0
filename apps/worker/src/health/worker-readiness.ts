import { REDIS_STATE } from '@app/cache';
import { DatabaseHealth } from '@app/database';
import { checkReadiness, type ReadinessReport, redisAnswers } from '@app/grpc';
import { QueueHealth } from '@app/queue';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

/** The worker is ready when the queue and state Redis roles answer PING and MySQL `SELECT 1`. */
@Injectable()
export class WorkerReadiness {
  constructor(
    private readonly queue: QueueHealth,
    private readonly database: DatabaseHealth,
    @Inject(REDIS_STATE) private readonly state: Redis,
  ) {}

  check(): Promise<ReadinessReport> {
    return checkReadiness([
      { name: 'queueRedis', requirement: 'required', isUp: () => this.queue.isReady() },
      { name: 'stateRedis', requirement: 'required', isUp: () => redisAnswers(this.state) },
      { name: 'mysql', requirement: 'required', isUp: () => this.database.isReady() },
    ]);
  }
}
