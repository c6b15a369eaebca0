import { Processor, WorkerHost } from '@nestjs/bullmq';
import { SetMetadata } from '@nestjs/common';
import type { WorkerOptions } from 'bullmq';

import { ALL_JOB_NAMES, JOB_QUEUE, type JobName, type QueueName } from './queue-names';

const JOB_PROCESSOR_METADATA = 'toutiao:job_processor';

/** What one processor class declares: the queue it consumes and the jobs it handles there. */
export interface ProcessorDeclaration {
  processor: string;
  queue: QueueName;
  jobs: readonly JobName[];
}

/** Boot-time wiring error: a job without exactly one processor, or a processor on the wrong queue. */
export class ProcessorRegistryError extends Error {
  constructor(problems: readonly string[]) {
    super(`Queue processors are miswired:\n  ${problems.join('\n  ')}`);
    this.name = 'ProcessorRegistryError';
  }
}

/**
 * Marks a `WorkerHost` subclass as the processor of `queue` (applies `@Processor(queue)`) and
 * records the jobs it handles. Fails at class definition if a job belongs to another queue.
 */
export function JobProcessor(
  queue: QueueName,
  jobs: readonly JobName[],
  workerOptions: Partial<Omit<WorkerOptions, 'connection' | 'prefix'>> = {},
): ClassDecorator {
  return (target) => {
    const foreign = jobs.filter((job) => JOB_QUEUE[job] !== queue);
    if (jobs.length === 0 || foreign.length > 0) {
      throw new ProcessorRegistryError([
        jobs.length === 0
          ? `${target.name} declares no jobs`
          : `${target.name} on queue "${queue}" declares jobs of other queues: ${foreign.join(', ')}`,
      ]);
    }
    const metadata: Omit<ProcessorDeclaration, 'processor'> = { queue, jobs: [...jobs] };
    SetMetadata(JOB_PROCESSOR_METADATA, metadata)(target);
    Processor(queue, workerOptions)(target);
  };
}

/**
 * The declarations of the processor classes among `candidates` (e.g. a module's provider
 * classes). A `WorkerHost` subclass without `@JobProcessor` is an error: it would consume a
 * queue without saying which jobs it handles.
 */
export function declaredProcessors(candidates: readonly unknown[]): ProcessorDeclaration[] {
  const declarations: ProcessorDeclaration[] = [];
  const undeclared: string[] = [];
  for (const candidate of candidates) {
    if (typeof candidate !== 'function') continue;
    const metadata: unknown = Reflect.getMetadata(JOB_PROCESSOR_METADATA, candidate);
    if (isDeclaration(metadata)) {
      declarations.push({ processor: candidate.name, queue: metadata.queue, jobs: metadata.jobs });
    } else if (candidate.prototype instanceof WorkerHost) {
      undeclared.push(`${candidate.name} extends WorkerHost without @JobProcessor(queue, jobs)`);
    }
  }
  if (undeclared.length > 0) throw new ProcessorRegistryError(undeclared);
  return declarations;
}

/** Throws unless every processor consumes one of `queues` (the queues this worker runs). */
export function assertProcessorsWithinQueues(
  declarations: readonly ProcessorDeclaration[],
  queues: readonly QueueName[],
): void {
  const outside = declarations.filter((declaration) => !queues.includes(declaration.queue));
  if (outside.length > 0) {
    throw new ProcessorRegistryError(
      outside.map(
        (d) => `${d.processor} consumes queue "${d.queue}", which this worker does not run`,
      ),
    );
  }
}

/**
 * Throws, listing them all, if a job of `expected` has no processor or any job has more than
 * one. `handled` holds one entry per (processor, job) pair.
 */
export function assertEveryJobHasProcessor(
  handled: readonly JobName[],
  expected: readonly JobName[] = ALL_JOB_NAMES,
): void {
  const counts = new Map<JobName, number>();
  for (const job of handled) counts.set(job, (counts.get(job) ?? 0) + 1);
  const problems = [
    ...expected.filter((job) => !counts.has(job)).map((job) => `job "${job}" has no processor`),
    ...[...counts]
      .filter(([, count]) => count > 1)
      .map(([job, count]) => `job "${job}" has ${count} processors`),
  ];
  if (problems.length > 0) throw new ProcessorRegistryError(problems);
}

function isDeclaration(value: unknown): value is Omit<ProcessorDeclaration, 'processor'> {
  return typeof value === 'object' && value !== null && 'queue' in value && 'jobs' in value;
}
