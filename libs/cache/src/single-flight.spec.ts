import { SingleFlight } from './single-flight';

function deferred<V>(): {
  promise: Promise<V>;
  resolve: (value: V) => void;
  reject: (error: Error) => void;
} {
  let resolve!: (value: V) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<V>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

describe('SingleFlight', () => {
  it('shares one load among the callers of a key while it runs', async () => {
    const flight = new SingleFlight<string>();
    const load = deferred<string>();
    let loads = 0;
    const start = (): Promise<string> => flight.run('k', () => (loads++, load.promise));
    const callers = [start(), start(), start()];
    load.resolve('v');
    expect(await Promise.all(callers)).toEqual(['v', 'v', 'v']);
    expect(loads).toBe(1);
  });

  it('loads different keys apart, and a key again once its load settled', async () => {
    const flight = new SingleFlight<string>();
    const loaded: string[] = [];
    const load = (key: string) => () => (loaded.push(key), Promise.resolve(key));
    await Promise.all([flight.run('a', load('a')), flight.run('b', load('b'))]);
    await flight.run('a', load('a'));
    expect(loaded).toEqual(['a', 'b', 'a']);
  });

  it('gives a failure to every caller that shared the load, then lets the next one try again', async () => {
    const flight = new SingleFlight<string>();
    const load = deferred<string>();
    const callers = [flight.run('k', () => load.promise), flight.run('k', () => load.promise)];
    load.reject(new Error('down'));
    await expect(Promise.all(callers)).rejects.toThrow('down');
    await expect(Promise.allSettled(callers)).resolves.toEqual([
      expect.objectContaining({ status: 'rejected' }),
      expect.objectContaining({ status: 'rejected' }),
    ]);
    await expect(flight.run('k', () => Promise.resolve('again'))).resolves.toBe('again');
  });

  it('lets a caller that comes after the shared load has run its time load again', async () => {
    jest.useFakeTimers();
    try {
      const flight = new SingleFlight<string>(1000);
      const hung = deferred<string>();
      const first = flight.run('k', () => hung.promise);
      jest.advanceTimersByTime(999);
      expect(flight.run('k', () => Promise.resolve('joined'))).toBe(first);
      jest.advanceTimersByTime(1);
      const again = flight.run('k', () => Promise.resolve('again'));
      expect(again).not.toBe(first);
      await expect(again).resolves.toBe('again');
      hung.resolve('late');
      await expect(first).resolves.toBe('late');
      await expect(flight.run('k', () => Promise.resolve('after'))).resolves.toBe('after');
    } finally {
      jest.useRealTimers();
    }
  });

  it('tells the load a key would join, and forgets it so the next caller loads again', async () => {
    const flight = new SingleFlight<string>();
    const held = deferred<string>();
    expect(flight.pending('k')).toBeUndefined();
    const first = flight.run('k', () => held.promise);
    expect(flight.pending('k')).toBe(first);
    flight.forget('k');
    expect(flight.pending('k')).toBeUndefined();
    const again = flight.run('k', () => Promise.resolve('again'));
    expect(flight.pending('k')).toBe(again);
    held.resolve('old');
    await expect(first).resolves.toBe('old');
    await expect(again).resolves.toBe('again');
    expect(flight.pending('k')).toBeUndefined();
  });
});
