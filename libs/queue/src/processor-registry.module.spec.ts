import { WorkerHost } from '@nestjs/bullmq';
import { Test } from '@nestjs/testing';

import { JobProcessor } from './processor-registry';
import { ProcessorRegistry, ProcessorRegistryModule } from './processor-registry.module';
import { JobName, QueueName } from './queue-names';

@JobProcessor(QueueName.Sms, [JobName.SendSmsCode])
class SmsStubProcessor extends WorkerHost {
  process(): Promise<void> {
    return Promise.resolve();
  }
}

function compile(queues: QueueName[], processors: Array<typeof SmsStubProcessor>) {
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
    await expect(compile([QueueName.Sms], [])).rejects.toThrow('job "send-sms-code" has no processor');
  });

  it('boots without processors when the run queues have no jobs', async () => {
    const moduleRef = await compile([QueueName.Statistics], []);
    expect(moduleRef.get(ProcessorRegistry).declarations).toEqual([]);
    await moduleRef.close();
  });

  it('fails to boot when a processor consumes a queue the worker does not run', async () => {
    await expect(compile([QueueName.Statistics], [SmsStubProcessor])).rejects.toThrow(
      'consumes queue "sms", which this worker does not run',
    );
  });
});
