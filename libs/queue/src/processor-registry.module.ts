import { type DynamicModule, Inject, Injectable, Module } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';

import {
  assertEveryJobHasProcessor,
  assertProcessorsWithinQueues,
  declaredProcessors,
  type ProcessorDeclaration,
} from './processor-registry';
import { jobsOfQueues, type QueueName } from './queue-names';

const WORKER_QUEUES = Symbol('WORKER_QUEUES');

/**
 * Checks the processors of the whole application while it is being instantiated, i.e. before
 * any BullMQ worker starts (workers start in onModuleInit), so a miswired worker fails at boot
 * without consuming a single job.
 */
@Injectable()
export class ProcessorRegistry {
  /** The processors found in the application. */
  readonly declarations: readonly ProcessorDeclaration[];

  constructor(discovery: DiscoveryService, @Inject(WORKER_QUEUES) queues: readonly QueueName[]) {
    // Factory and value providers are skipped: processors must be class providers to be found.
    const classes = discovery.getProviders().map((wrapper) => (wrapper.inject ? undefined : wrapper.metatype));
    this.declarations = declaredProcessors(classes);
    assertProcessorsWithinQueues(this.declarations, queues);
    assertEveryJobHasProcessor(
      this.declarations.flatMap((declaration) => declaration.jobs),
      jobsOfQueues(queues),
    );
  }
}

/** Import in a worker app: boot fails unless each job of `queues` has exactly one processor. */
@Module({})
export class ProcessorRegistryModule {
  static forQueues(queues: readonly QueueName[]): DynamicModule {
    return {
      module: ProcessorRegistryModule,
      imports: [DiscoveryModule],
      providers: [{ provide: WORKER_QUEUES, useValue: [...queues] }, ProcessorRegistry],
      exports: [ProcessorRegistry],
    };
  }
}
