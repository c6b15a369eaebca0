import { withoutLatencies } from '@app/testing';

import { checkReadiness, readinessHttpStatus } from './readiness-report';

const answers = (value: boolean) => () => Promise.resolve(value);

describe('checkReadiness', () => {
  it('is ok while every required dependency is up, naming the reported ones that are down', async () => {
    const report = await checkReadiness([
      { name: 'stateRedis', requirement: 'required', isUp: answers(true) },
      { name: 'user', requirement: 'reported', isUp: answers(false) },
    ]);
    expect(withoutLatencies(report)).toEqual({
      status: 'ok',
      checks: {
        stateRedis: { status: 'up', required: true },
        user: { status: 'down', required: false },
      },
    });
    expect(readinessHttpStatus(report)).toBe(200);
  });

  it('is unavailable when a required dependency is down, throws or does not answer in time', async () => {
    const report = await checkReadiness(
      [
        {
          name: 'cacheRedis',
          requirement: 'required',
          isUp: () => Promise.reject(new Error('ECONNREFUSED')),
        },
        {
          name: 'mysql',
          requirement: 'required',
          isUp: () => new Promise<boolean>(() => undefined),
        },
        { name: 'stateRedis', requirement: 'required', isUp: answers(true) },
      ],
      50,
    );
    expect(report.status).toBe('unavailable');
    expect(readinessHttpStatus(report)).toBe(503);
    expect(report.checks.cacheRedis.status).toBe('down');
    expect(withoutLatencies(report).checks.mysql).toEqual({ status: 'down', required: true });
    expect(report.checks.mysql.latencyMs).toBeGreaterThanOrEqual(45);
    expect(report.checks.stateRedis.status).toBe('up');
  });

  it('counts a check that throws before returning a promise as down', async () => {
    const report = await checkReadiness([
      {
        name: 'news',
        requirement: 'reported',
        isUp: () => {
          throw new Error('closed');
        },
      },
    ]);
    expect(report).toMatchObject({ status: 'ok', checks: { news: { status: 'down' } } });
  });
});
