import { loadConfig } from '@app/config';
import { QueueName } from '@app/queue';

import { workerEnvSchema } from './worker.config';

describe('workerEnvSchema', () => {
  it('runs every queue with the log SMS driver on port 8004 by default', () => {
    const config = loadConfig(workerEnvSchema, {});
    expect(config.WORKER_QUEUES).toEqual([
      QueueName.Sms,
      QueueName.SearchIndex,
      QueueName.Statistics,
      QueueName.Notifications,
      QueueName.Candidates,
    ]);
    expect(config.SMS_DRIVER).toBe('log');
    expect(config.WORKER_PORT).toBe(8004);
  });

  it('parses a comma list of queues, trimming and dropping duplicates', () => {
    expect(
      loadConfig(workerEnvSchema, { WORKER_QUEUES: ' sms, statistics,sms' }).WORKER_QUEUES,
    ).toEqual([QueueName.Sms, QueueName.Statistics]);
  });

  it('rejects unknown or empty queue lists', () => {
    expect(() => loadConfig(workerEnvSchema, { WORKER_QUEUES: 'sms,mail' })).toThrow(
      /WORKER_QUEUES/,
    );
    expect(() => loadConfig(workerEnvSchema, { WORKER_QUEUES: ' , ' })).toThrow(/WORKER_QUEUES/);
  });

  it('needs the Aliyun keys only with the aliyun driver', () => {
    expect(() => loadConfig(workerEnvSchema, { SMS_DRIVER: 'aliyun' })).toThrow(
      /ALIYUN_ACCESS_KEY_SECRET/,
    );
    const config = loadConfig(workerEnvSchema, {
      SMS_DRIVER: 'aliyun',
      ALIYUN_ACCESS_KEY_ID: 'id',
      ALIYUN_ACCESS_KEY_SECRET: 'secret',
    });
    expect(config.ALIYUN_SMS_TEMPLATE_CODE).toBe('SMS_151231777');
  });

  it('keeps the shared rules', () => {
    expect(() =>
      loadConfig(workerEnvSchema, { NODE_ENV: 'production', SMS_TEST_CODE: '246810' }),
    ).toThrow(/SMS_TEST_CODE/);
  });
});
