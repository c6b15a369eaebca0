import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';

import { RealtimeModule } from '../realtime/realtime.module';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ gracefulShutdownTimeoutMs: 0 }), RealtimeModule],
  controllers: [HealthController],
})
export class HealthModule {}
