import {
  assertValidJobId,
  DEFAULT_JOB_OPTIONS,
  InvalidJobIdError,
  jobId,
  jobOptionsFor,
} from './job-options';
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

describe('jobOptionsFor', () => {
  it('gives an SMS the default 3 attempts', () => {
    expect(jobOptionsFor(JobName.SendSmsCode)).toEqual(DEFAULT_JOB_OPTIONS);
  });

  it('lets the search and candidate jobs of a change and the counter repair wait out an outage of about half an hour', () => {
    for (const name of [JobName.IndexArticle, JobName.RefreshCandidate, JobName.RepairCounters]) {
      const options = jobOptionsFor(name);
      expect(options).toEqual({ ...DEFAULT_JOB_OPTIONS, attempts: 12 });
      // Exponential from 1 s: the waits between the attempts add up to 2^11 - 1 seconds.
      const waits = Array.from(
        { length: (options.attempts ?? 1) - 1 },
        (_, retry) => 1000 * 2 ** retry,
      );
      expect(waits.reduce((sum, wait) => sum + wait, 0)).toBe(2_047_000);
    }
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
