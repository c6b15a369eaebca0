import { answersWithin, settledWithin } from './answers-within';

describe('answersWithin', () => {
  it("gives the check's answer when it comes in time", async () => {
    await expect(answersWithin(Promise.resolve(true), 1_000)).resolves.toBe(true);
    await expect(answersWithin(Promise.resolve(false), 1_000)).resolves.toBe(false);
  });

  it('gives false for a check that rejects or does not answer in time, and leaves no timer', async () => {
    await expect(answersWithin(Promise.reject(new Error('refused')), 1_000)).resolves.toBe(false);
    const before = process
      .getActiveResourcesInfo()
      .filter((resource) => resource === 'Timeout').length;
    await expect(answersWithin(new Promise<boolean>(() => undefined), 20)).resolves.toBe(false);
    await expect(answersWithin(Promise.resolve(true), 60_000)).resolves.toBe(true);
    expect(
      process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout'),
    ).toHaveLength(before);
  });
});

describe('settledWithin', () => {
  it('gives what the work resolves to in time, else the value given for a late or failed one', async () => {
    await expect(settledWithin(Promise.resolve({ jobs: 2 }), 1_000, undefined)).resolves.toEqual({
      jobs: 2,
    });
    await expect(
      settledWithin(Promise.reject(new Error('refused')), 1_000, 'unknown'),
    ).resolves.toBe('unknown');
    await expect(settledWithin(new Promise<string>(() => undefined), 20, 'unknown')).resolves.toBe(
      'unknown',
    );
  });
});
