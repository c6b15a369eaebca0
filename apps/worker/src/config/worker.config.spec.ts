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

  it('repairs the counters daily at 03:00 with ten minutes per service by default, and refuses a malformed cron', () => {
    const config = loadConfig(workerEnvSchema, {});
    expect([config.COUNTER_REPAIR_CRON, config.COUNTER_REPAIR_DEADLINE_MS]).toEqual([
      '0 3 * * *',
      600_000,
    ]);
    expect(
      loadConfig(workerEnvSchema, { COUNTER_REPAIR_CRON: '*/30 * * * *' }).COUNTER_REPAIR_CRON,
    ).toBe('*/30 * * * *');
    expect(() => loadConfig(workerEnvSchema, { COUNTER_REPAIR_CRON: 'at three' })).toThrow(
      /COUNTER_REPAIR_CRON/,
    );
    expect(() => loadConfig(workerEnvSchema, { COUNTER_REPAIR_CRON: '0 25 * * *' })).toThrow(
      /COUNTER_REPAIR_CRON/,
    );
  });

  it('ends a stop that cannot finish after 10 s by default, and refuses one under 1 s, over 10 minutes or not in whole milliseconds', () => {
    expect(loadConfig(workerEnvSchema, {}).WORKER_SHUTDOWN_TIMEOUT_MS).toBe(10_000);
    expect(
      loadConfig(workerEnvSchema, { WORKER_SHUTDOWN_TIMEOUT_MS: '2500' })
        .WORKER_SHUTDOWN_TIMEOUT_MS,
    ).toBe(2_500);
    for (const refused of ['999', '1500.5', '', 'soon', '600001']) {
      expect(() => loadConfig(workerEnvSchema, { WORKER_SHUTDOWN_TIMEOUT_MS: refused })).toThrow(
        /WORKER_SHUTDOWN_TIMEOUT_MS/,
      );
    }
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
