import { WorkerHost } from '@nestjs/bullmq';

import {
  assertEveryJobHasProcessor,
  assertProcessorsWithinQueues,
  declaredProcessors,
  JobProcessor,
  ProcessorRegistryError,
} from './processor-registry';
import { ALL_JOB_NAMES, JobName, QueueName } from './queue-names';

@JobProcessor(QueueName.Sms, [JobName.SendSmsCode])
class SmsStubProcessor extends WorkerHost {
  process(): Promise<void> {
    return Promise.resolve();
  }
}

class UndeclaredStubProcessor extends WorkerHost {
  process(): Promise<void> {
    return Promise.resolve();
  }
}

describe('assertEveryJobHasProcessor', () => {
  it('passes when every job has exactly one processor', () => {
    expect(() => assertEveryJobHasProcessor(ALL_JOB_NAMES)).not.toThrow();
  });

  it('lists jobs without a processor', () => {
    expect(() => assertEveryJobHasProcessor([])).toThrow(ProcessorRegistryError);
    expect(() => assertEveryJobHasProcessor([])).toThrow('job "send-sms-code" has no processor');
  });

  it('lists jobs with more than one processor', () => {
    expect(() => assertEveryJobHasProcessor([JobName.SendSmsCode, JobName.SendSmsCode])).toThrow(
      'job "send-sms-code" has 2 processors',
    );
  });

  it('only expects the jobs it is given', () => {
    expect(() => assertEveryJobHasProcessor([], [])).not.toThrow();
  });
});

describe('JobProcessor', () => {
  it('records the queue and jobs of the class', () => {
    expect(declaredProcessors([SmsStubProcessor, 'not a class', undefined])).toEqual([
      { processor: 'SmsStubProcessor', queue: QueueName.Sms, jobs: [JobName.SendSmsCode] },
    ]);
  });

  it('refuses a job of another queue', () => {
    const decorate = () =>
      JobProcessor(QueueName.Statistics, [JobName.SendSmsCode])(class Misplaced {});
    expect(decorate).toThrow(
      'Misplaced on queue "statistics" declares jobs of other queues: send-sms-code',
    );
  });

  it('refuses an empty job list', () => {
    expect(() => JobProcessor(QueueName.Sms, [])(class Idle {})).toThrow('Idle declares no jobs');
  });

  it('makes an undeclared WorkerHost subclass an error', () => {
    expect(() => declaredProcessors([UndeclaredStubProcessor])).toThrow(
      'UndeclaredStubProcessor extends WorkerHost without @JobProcessor',
    );
  });
});

describe('assertProcessorsWithinQueues', () => {
  const declarations = declaredProcessors([SmsStubProcessor]);

  it('accepts processors of the queues the worker runs', () => {
    expect(() => assertProcessorsWithinQueues(declarations, [QueueName.Sms])).not.toThrow();
  });

  it('refuses a processor of a queue the worker does not run', () => {
    expect(() => assertProcessorsWithinQueues(declarations, [QueueName.Notifications])).toThrow(
      'SmsStubProcessor consumes queue "sms", which this worker does not run',
    );
  });
});
