import { PeriodicTask } from './periodic-task';

describe('PeriodicTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs a round at once and then one every interval', () => {
    const round = jest.fn(() => Promise.resolve());
    const task = new PeriodicTask(round);

    task.runNowAndEvery(1_000);
    expect(round).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(999);
    expect(round).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(2_001);
    expect(round).toHaveBeenCalledTimes(4);
    task.stop();
  });

  it('runs the first round one interval from now with every', () => {
    const round = jest.fn(() => Promise.resolve());
    const task = new PeriodicTask(round);

    task.every(1_000);
    expect(round).not.toHaveBeenCalled();
    jest.advanceTimersByTime(2_000);
    expect(round).toHaveBeenCalledTimes(2);
    task.stop();
  });

  it('starts no round after stop', () => {
    const round = jest.fn(() => Promise.resolve());
    const task = new PeriodicTask(round);

    task.runNowAndEvery(1_000);
    task.stop();
    jest.advanceTimersByTime(10_000);
    expect(round).toHaveBeenCalledTimes(1);
  });

  it('can be stopped without having been started', () => {
    const round = jest.fn(() => Promise.resolve());

    expect(() => new PeriodicTask(round).stop()).not.toThrow();
    expect(round).not.toHaveBeenCalled();
  });

  it('does not keep the process alive', () => {
    const setInterval = jest.spyOn(global, 'setInterval');
    const task = new PeriodicTask(() => Promise.resolve());

    task.runNowAndEvery(1_000);
    const timer = setInterval.mock.results[0]?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    task.stop();
    setInterval.mockRestore();
  });
});
