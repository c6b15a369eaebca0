import { QueueModule, QueueName } from '@app/queue';
import { Module } from '@nestjs/common';

import { JobOutboxRelay } from './job-outbox.relay';

/**
 * The relay of news' job outbox, with the queues of the jobs news writes there (an article
 * change's search index and candidate jobs); the importing app needs `QueueModule.forRoot`.
 */
@Module({
  imports: [QueueModule.registerQueues(QueueName.SearchIndex, QueueName.Candidates)],
  providers: [JobOutboxRelay],
  exports: [JobOutboxRelay],
})
export class JobOutboxModule {}
