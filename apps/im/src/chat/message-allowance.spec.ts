import { MessageAllowance } from './message-allowance';

describe('MessageAllowance', () => {
  const rule = { burst: 3, intervalMs: 1000 };

  it('lets a burst through at once, then refuses until a message is earned back', () => {
    const allowance = new MessageAllowance(rule, 0);
    expect([0, 0, 0, 0].map(() => allowance.take(0))).toEqual([true, true, true, false]);
    expect(allowance.take(999)).toBe(false);
    expect(allowance.take(1999)).toBe(true);
    expect(allowance.take(1999)).toBe(false);
  });

  it('earns back no more than the burst, however long the socket stayed silent', () => {
    const allowance = new MessageAllowance(rule, 0);
    expect([0, 0, 0, 0].map(() => allowance.take(3_600_000))).toEqual([true, true, true, false]);
  });

  it('is not refilled by a clock that goes back', () => {
    const allowance = new MessageAllowance(rule, 5000);
    [0, 0, 0].forEach(() => allowance.take(5000));
    expect(allowance.take(1000)).toBe(false);
  });
});
