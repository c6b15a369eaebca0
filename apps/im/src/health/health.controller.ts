import { checkReadiness, type ReadinessReport, readinessHttpStatus } from '@app/grpc';
import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

import { RedisPubSub } from '../realtime/redis-pub-sub';

@Controller('health')
export class HealthController {
  constructor(private readonly pubSub: RedisPubSub) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready when the state Redis behind the Socket.IO adapter answers: without it there is no fan-out. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessReport> {
    const report = await checkReadiness([
      { name: 'stateRedis', requirement: 'required', isUp: () => this.pubSub.isReady() },
    ]);
    void reply.status(readinessHttpStatus(report));
    return report;
  }
}
