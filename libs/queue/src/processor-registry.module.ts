import { WorkerHost } from '@nestjs/bullmq';
import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import type { Worker } from 'bullmq';

import { logJobFailures, logStalledJobs } from './job-failure-log';
import { logQueueOutages } from './queue-outage-log';
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
 * without consuming a single job. On shutdown it drains the workers first: Nest runs
 * onApplicationShutdown of the app's own modules (Redis, MySQL clients) before
 * @nestjs/bullmq's, which would pull the connections from under the jobs still running.
 */
@Injectable()
export class ProcessorRegistry implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ProcessorRegistry.name);

  /** The processors found in the application. */
  readonly declarations: readonly ProcessorDeclaration[];

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(WORKER_QUEUES) queues: readonly QueueName[],
  ) {
    // Factory and value providers are skipped: processors must be class providers to be found.
    const classes = discovery
      .getProviders()
      .map((wrapper) => (wrapper.inject ? undefined : wrapper.metatype));
    this.declarations = declaredProcessors(classes);
    assertProcessorsWithinQueues(this.declarations, queues);
    assertEveryJobHasProcessor(
      this.declarations.flatMap((declaration) => declaration.jobs),
      jobsOfQueues(queues),
    );
  }

  /**
   * Workers emit 'error' on connection trouble; unheard, EventEmitter would crash the process. An
   * outage of the queue Redis is logged once, and its end (`logQueueOutages`). A job that failed for good is logged with its reason, and one found stalled and handed out
   * again by its id and name.
   */
  onApplicationBootstrap(): void {
    for (const worker of this.startedWorkers()) {
      logQueueOutages(worker, `worker ${worker.name}`, this.logger, { blockingConnection: true });
      logJobFailures(worker, this.logger);
      logStalledJobs(worker, this.logger);
    }
  }

  /** Waits for the active jobs and stops fetching new ones. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.startedWorkers().map((worker) => worker.close()));
  }

  /** The BullMQ workers the processors started (for metrics and draining). */
  startedWorkers(): Worker[] {
    return this.discovery
      .getProviders()
      .map((wrapper): unknown => wrapper.instance)
      .filter((instance): instance is WorkerHost => instance instanceof WorkerHost)
      .flatMap((host) => startedWorker(host) ?? []);
  }
}

function startedWorker(host: WorkerHost): Worker | undefined {
  try {
    return host.worker;
  } catch {
    return undefined; // never registered (e.g. boot failed first): nothing to drain
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
