import { GrpcClientModule, SEARCH_GRPC } from '@app/grpc';
import { type DynamicModule, Module } from '@nestjs/common';

import type { WorkerConfig } from '../config/worker.config';
import { SearchIndexProcessor } from './search-index.processor';

export type SearchIndexSettings = Pick<WorkerConfig, 'NEWS_GRPC_URL' | 'GRPC_DEADLINE_MS'>;

/** The `search-index` queue's processor and its news SearchService client; imported only when WORKER_QUEUES includes `search-index`. */
@Module({})
export class SearchIndexModule {
  static forRoot(settings: SearchIndexSettings): DynamicModule {
    return {
      module: SearchIndexModule,
      imports: [
        GrpcClientModule.register([
          {
            service: SEARCH_GRPC,
            url: settings.NEWS_GRPC_URL,
            deadlineMs: settings.GRPC_DEADLINE_MS,
          },
        ]),
      ],
      providers: [SearchIndexProcessor],
    };
  }
}
