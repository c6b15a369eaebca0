import { drainWithin } from './drain-within';

describe('drainWithin', () => {
  it('answers false and never forces a drain that ends within its deadline', async () => {
    const force = jest.fn();
    await expect(drainWithin(Promise.resolve(), 1_000, force)).resolves.toBe(false);
    expect(force).not.toHaveBeenCalled();
  });

  it('forces a drain still running at its deadline and waits for it to end', async () => {
    let end: () => void = () => undefined;
    const drain = new Promise<void>((resolve) => (end = resolve));
    const force = jest.fn(() => setTimeout(end, 10));
    await expect(drainWithin(drain, 20, force)).resolves.toBe(true);
    expect(force).toHaveBeenCalledTimes(1);
  });

  it('passes on a drain that fails, forced or not', async () => {
    await expect(
      drainWithin(Promise.reject(new Error('refused')), 1_000, jest.fn()),
    ).rejects.toThrow('refused');
    let fail: (error: Error) => void = () => undefined;
    const drain = new Promise<void>((_resolve, reject) => (fail = reject));
    await expect(drainWithin(drain, 20, () => fail(new Error('cut')))).rejects.toThrow('cut');
  });
});
