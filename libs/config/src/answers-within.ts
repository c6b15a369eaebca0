/**
 * What `work` resolves to, or `otherwise` when it rejects or has not settled within `timeoutMs`
 * (a readiness probe, a QUIT to a Redis that may hang, what held a shutdown). Its timer is
 * cleared either way.
 */
export function settledWithin<T>(work: Promise<T>, timeoutMs: number, otherwise: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(otherwise), timeoutMs);
  });
  return Promise.race([work, timedOut])
    .catch(() => otherwise)
    .finally(() => clearTimeout(timer));
}

/** What `check` answers, or false when it rejects or has not answered within `timeoutMs`. */
export function answersWithin(check: Promise<boolean>, timeoutMs: number): Promise<boolean> {
  return settledWithin(check, timeoutMs, false);
}
