/**
 * What `check` answers, or false when it rejects or has not answered within `timeoutMs` (a
 * readiness probe, a QUIT to a Redis that may hang). Its timer is cleared either way.
 */
export function answersWithin(check: Promise<boolean>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  return Promise.race([check, timedOut])
    .catch(() => false)
    .finally(() => clearTimeout(timer));
}
