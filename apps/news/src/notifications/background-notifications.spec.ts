import { Logger } from '@nestjs/common';

import { BackgroundNotifications } from './background-notifications';

/** A send that resolves when the test says so. */
function heldSend(): { send: jest.Mock<Promise<void>, []>; release(): void } {
  let release = (): void => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  return { send: jest.fn(() => held), release: () => release() };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('BackgroundNotifications', () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('returns before the notification is sent', async () => {
    const background = new BackgroundNotifications();
    const { send, release } = heldSend();
    background.run(send);
    await settle();
    expect({ called: send.mock.calls.length, pending: background.size }).toEqual({
      called: 1,
      pending: 1,
    });
    release();
    await settle();
    expect(background.size).toBe(0);
  });

  it('drops a notification while the limit is pending, and takes new ones once one ends', async () => {
    const background = new BackgroundNotifications(2);
    const [first, second, third, fourth] = [heldSend(), heldSend(), heldSend(), heldSend()];
    [first, second, third].forEach(({ send }) => background.run(send));
    await settle();
    expect([first, second, third].map(({ send }) => send.mock.calls.length)).toEqual([1, 1, 0]);
    first.release();
    await settle();
    background.run(fourth.send);
    await settle();
    expect({ fourth: fourth.send.mock.calls.length, pending: background.size }).toEqual({
      fourth: 1,
      pending: 2,
    });
  });

  it('logs a notification that fails, throwing nothing', async () => {
    const background = new BackgroundNotifications();
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    expect(() => background.run(() => Promise.reject(new Error('redis down')))).not.toThrow();
    expect(() =>
      background.run(() => {
        throw new Error('bad payload');
      }),
    ).not.toThrow();
    await settle();
    expect(warn.mock.calls.map(([message]) => String(message)).sort()).toEqual([
      'a notification failed: Error: bad payload',
      'a notification failed: Error: redis down',
    ]);
    expect(background.size).toBe(0);
  });

  it('waits at shutdown for the notifications still being sent', async () => {
    const background = new BackgroundNotifications();
    const { send, release } = heldSend();
    background.run(send);
    let drained = false;
    const shutdown = background.beforeApplicationShutdown().then(() => (drained = true));
    await settle();
    expect(drained).toBe(false);
    release();
    await shutdown;
    expect(drained).toBe(true);
  });
});
