import { QueueModule, QueueName } from '@app/queue';
import { Module } from '@nestjs/common';

import { SearchIndexProducer } from './search-index.producer';

/** The `search-index` producer; the importing app needs `QueueModule.forRoot`. */
@Module({
  imports: [QueueModule.registerQueues(QueueName.SearchIndex)],
  providers: [SearchIndexProducer],
  exports: [SearchIndexProducer],
})
export class SearchIndexQueueModule {}
