import { callAt, MAX_TIMER_DELAY_MS } from './expiry-timer';

describe('callAt', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_700_000_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('calls the action once the deadline has come, not before', () => {
    const action = jest.fn();
    callAt(Date.now() + 1000, action);
    jest.advanceTimersByTime(999);
    expect(action).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(action).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(10_000);
    expect(action).toHaveBeenCalledTimes(1);
  });

  it('calls the action at once for a deadline already past, on the next turn', () => {
    const action = jest.fn();
    callAt(Date.now() - 5000, action);
    expect(action).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(action).toHaveBeenCalledTimes(1);
  });

  it("waits for a deadline past setTimeout's limit instead of overflowing", () => {
    const action = jest.fn();
    const deadline = Date.now() + 3 * MAX_TIMER_DELAY_MS + 7;
    callAt(deadline, action);
    jest.advanceTimersByTime(1);
    expect(action).not.toHaveBeenCalled();
    jest.advanceTimersByTime(3 * MAX_TIMER_DELAY_MS + 5);
    expect(action).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(action).toHaveBeenCalledTimes(1);
    expect(Date.now()).toBe(deadline);
  });

  it('keeps one timer at a time and none once cancelled', () => {
    const action = jest.fn();
    const cancel = callAt(Date.now() + 2 * MAX_TIMER_DELAY_MS, action);
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(MAX_TIMER_DELAY_MS);
    expect(jest.getTimerCount()).toBe(1);
    cancel();
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(2 * MAX_TIMER_DELAY_MS);
    expect(action).not.toHaveBeenCalled();
  });

  it('does not keep the process alive', () => {
    jest.useRealTimers();
    const setTimeoutSpy = jest.spyOn(global, 'setTimeout');
    const cancel = callAt(Date.now() + 60_000, () => undefined);
    const timer = setTimeoutSpy.mock.results[0].value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    cancel();
    setTimeoutSpy.mockRestore();
  });
});
