import { CANDIDATE_GRPC, GrpcClientModule } from '@app/grpc';
import { type DynamicModule, Module } from '@nestjs/common';

import type { WorkerConfig } from '../config/worker.config';
import { CandidatesProcessor } from './candidates.processor';

export type CandidatesSettings = Pick<WorkerConfig, 'RECOMMEND_GRPC_URL' | 'GRPC_DEADLINE_MS'>;

/** The `candidates` queue's processor and its recommend CandidateService client; imported only when WORKER_QUEUES includes `candidates`. */
@Module({})
export class CandidatesModule {
  static forRoot(settings: CandidatesSettings): DynamicModule {
    return {
      module: CandidatesModule,
      imports: [
        GrpcClientModule.register([
          {
            service: CANDIDATE_GRPC,
            url: settings.RECOMMEND_GRPC_URL,
            deadlineMs: settings.GRPC_DEADLINE_MS,
          },
        ]),
      ],
      providers: [CandidatesProcessor],
    };
  }
}
