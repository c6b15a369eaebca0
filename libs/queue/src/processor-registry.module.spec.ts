import { WorkerHost } from '@nestjs/bullmq';
import { Test } from '@nestjs/testing';
import type { Worker } from 'bullmq';

import { JobProcessor } from './processor-registry';
import { ProcessorRegistry, ProcessorRegistryModule } from './processor-registry.module';
import { JobName, QueueName } from './queue-names';

@JobProcessor(QueueName.Sms, [JobName.SendSmsCode])
class SmsStubProcessor extends WorkerHost {
  process(): Promise<void> {
    return Promise.resolve();
  }
}

function compile(queues: QueueName[], processors: Array<new () => WorkerHost>) {
  return Test.createTestingModule({
    imports: [ProcessorRegistryModule.forQueues(queues)],
    providers: processors,
  }).compile();
}

describe('ProcessorRegistryModule', () => {
  it('finds the processors of the application', async () => {
    const moduleRef = await compile([QueueName.Sms], [SmsStubProcessor]);
    expect(moduleRef.get(ProcessorRegistry).declarations).toEqual([
      { processor: 'SmsStubProcessor', queue: QueueName.Sms, jobs: [JobName.SendSmsCode] },
    ]);
    await moduleRef.close();
  });

  it('fails to boot when a job of a run queue has no processor', async () => {
    await expect(compile([QueueName.Sms], [])).rejects.toThrow(
      'job "send-sms-code" has no processor',
    );
  });

  it('boots without processors when the run queues have no jobs', async () => {
    const moduleRef = await compile([QueueName.Notifications], []);
    expect(moduleRef.get(ProcessorRegistry).declarations).toEqual([]);
    await moduleRef.close();
  });

  it('drains the started workers before the application shuts down', async () => {
    const closed: string[] = [];
    const errorListeners: string[] = [];
    const fake: Pick<Worker, 'close' | 'on' | 'name' | 'client'> = {
      name: 'sms',
      client: new Promise(() => undefined), // never connects: no 'ready' listener
      close: () => {
        closed.push('sms');
        return Promise.resolve();
      },
      on: ((event: string) => {
        errorListeners.push(event);
        return fake;
      }) as unknown as Worker['on'],
    };
    @JobProcessor(QueueName.Sms, [JobName.SendSmsCode])
    class StartedStubProcessor extends WorkerHost {
      override get worker(): Worker {
        return fake as Worker;
      }
      process(): Promise<void> {
        return Promise.resolve();
      }
    }
    const moduleRef = await compile([QueueName.Sms], [StartedStubProcessor]);
    await moduleRef.init();
    await moduleRef.close();
    expect(closed).toEqual(['sms']);
    // an 'error' listener keeps a connection failure from crashing the process ('ready' tells the
    // outage is over); 'failed' logs a job that failed for good, 'stalled' one handed out again
    expect(errorListeners).toEqual(['error', 'ready', 'failed', 'stalled']);
  });

  it('shuts down cleanly when a processor never got a worker', async () => {
    const moduleRef = await compile([QueueName.Sms], [SmsStubProcessor]);
    await expect(moduleRef.close()).resolves.toBeUndefined();
  });

  it('fails to boot when a processor consumes a queue the worker does not run', async () => {
    await expect(compile([QueueName.Notifications], [SmsStubProcessor])).rejects.toThrow(
      'consumes queue "sms", which this worker does not run',
    );
  });
});
