import { assertValidJobId, DEFAULT_JOB_OPTIONS, InvalidJobIdError, jobId } from './job-options';
import { JobName } from './queue-names';

describe('DEFAULT_JOB_OPTIONS', () => {
  it('retries 3 times with exponential backoff and bounds what Redis keeps', () => {
    expect(DEFAULT_JOB_OPTIONS).toEqual({
      attempts: 3,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 604_800 },
    });
  });
});

describe('jobId', () => {
  it('is deterministic and joins the name and parts with "_"', () => {
    expect(jobId(JobName.SendSmsCode, 'app', '13911111111', 1_764_000_000)).toBe(
      'send-sms-code_app_13911111111_1764000000',
    );
    expect(jobId(JobName.SendSmsCode, 'app', '13911111111')).toBe(
      jobId(JobName.SendSmsCode, 'app', '13911111111'),
    );
  });

  it('never produces an id BullMQ rejects', () => {
    const id = jobId(JobName.SendSmsCode, 42);
    expect(id).not.toContain(':');
    expect(() => assertValidJobId(id)).not.toThrow();
  });

  it.each([[':'], ['a:b'], ['a_b'], [''], ['with space']])('refuses the part %j', (part) => {
    expect(() => jobId(JobName.SendSmsCode, part)).toThrow(InvalidJobIdError);
  });

  it('needs at least one part', () => {
    expect(() => jobId(JobName.SendSmsCode)).toThrow(/at least one part/);
  });
});

describe('assertValidJobId', () => {
  it.each([[''], ['123'], ['a:b']])('rejects %j', (id) => {
    expect(() => assertValidJobId(id)).toThrow(InvalidJobIdError);
  });

  it('accepts a named id', () => {
    expect(() => assertValidJobId('send-sms-code_app_1')).not.toThrow();
  });
});
