import { QueueModule, QueueName } from '@app/queue';
import { Module } from '@nestjs/common';

import { CandidatesProducer } from './candidates.producer';

/** The `candidates` producer; the importing app needs `QueueModule.forRoot`. */
@Module({
  imports: [QueueModule.registerQueues(QueueName.Candidates)],
  providers: [CandidatesProducer],
  exports: [CandidatesProducer],
})
export class CandidatesQueueModule {}
