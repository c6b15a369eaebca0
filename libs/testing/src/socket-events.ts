/** What the helpers need of a Socket.IO client socket. */
export interface EventSource {
  once(event: string, listener: (payload: unknown) => void): unknown;
  on(event: string, listener: (payload: unknown) => void): unknown;
  off(event: string, listener: (payload: unknown) => void): unknown;
}

/** The payload of the next `event`; rejects when none comes within `timeoutMs`. */
export function nextEvent(socket: EventSource, event: string, timeoutMs = 5000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "${event}" within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once(event, (payload: unknown) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

/** Every payload of `event` seen during `ms` (empty: the socket heard nothing). */
export function collectEvents(socket: EventSource, event: string, ms: number): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (payload: unknown): void => void seen.push(payload);
  socket.on(event, listener);
  return new Promise((resolve) =>
    setTimeout(() => {
      socket.off(event, listener);
      resolve(seen);
    }, ms),
  );
}
