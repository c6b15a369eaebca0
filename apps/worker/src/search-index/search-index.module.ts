import { GrpcClientModule, SEARCH_GRPC } from '@app/grpc';
import { type DynamicModule, Module } from '@nestjs/common';

import type { WorkerConfig } from '../config/worker.config';
import { SearchIndexProcessor } from './search-index.processor';
import { SearchIndexRedriver } from './search-index.redriver';

export type SearchIndexSettings = Pick<WorkerConfig, 'NEWS_GRPC_URL' | 'GRPC_DEADLINE_MS'>;

/**
 * The `search-index` queue's processor, its news SearchService client and the redriver of its
 * failed jobs; imported only when WORKER_QUEUES includes `search-index`.
 */
@Module({})
export class SearchIndexModule {
  /** `queues`: the worker's registration of its queues, whose `search-index` queue the redriver reads. */
  static forRoot(settings: SearchIndexSettings, queues: DynamicModule): DynamicModule {
    return {
      module: SearchIndexModule,
      imports: [
        queues,
        GrpcClientModule.register([
          {
            service: SEARCH_GRPC,
            url: settings.NEWS_GRPC_URL,
            deadlineMs: settings.GRPC_DEADLINE_MS,
          },
        ]),
      ],
      providers: [SearchIndexProcessor, SearchIndexRedriver],
    };
  }
}
