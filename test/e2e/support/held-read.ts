/**
 * A repository method held open after it has read, so a test can land a write between a cache
 * fill's read of MySQL and its write to Redis: the race a rebuild runs with a writer, made
 * deterministic. The method's next call reads as usual (an async function's result, or every row
 * an async generator yields), then waits for `release`; `read` resolves once it has read. Later
 * calls (a writer's own reads among them) are not held.
 */
export interface HeldRead {
  read: Promise<void>;
  release: () => void;
  restore: () => void;
}

type Reader = (...args: unknown[]) => unknown;

export function holdRead<T extends object>(target: T, method: keyof T & string): HeldRead {
  const original = (target[method] as Reader).bind(target);
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let markRead: () => void = () => undefined;
  const read = new Promise<void>((resolve) => (markRead = resolve));
  const held = (...args: unknown[]): unknown => {
    const result = original(...args);
    if (isAsyncIterable(result)) {
      return (async function* () {
        yield* result;
        markRead();
        await gate;
      })();
    }
    return (async () => {
      const rows = await result;
      markRead();
      await gate;
      return rows;
    })();
  };
  const spy = jest.spyOn(target, method as never).mockImplementationOnce(held as never);
  return { read, release, restore: () => spy.mockRestore() };
}

/**
 * Runs `reading` with `method` held after it has read, lands `write` meanwhile, then lets the
 * reading finish; answers what `reading` answered.
 */
export async function writeDuringRead<T extends object, R>(
  target: T,
  method: keyof T & string,
  reading: () => Promise<R>,
  write: () => Promise<unknown>,
): Promise<R> {
  const held = holdRead(target, method);
  try {
    const answer = reading();
    await held.read;
    await write();
    held.release();
    return await answer;
  } finally {
    held.release();
    held.restore();
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
