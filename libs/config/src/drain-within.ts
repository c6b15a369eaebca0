/**
 * Waits for `drain` (a server's graceful close, which waits for the calls or requests in
 * progress) for `deadlineMs`, then runs `force`, which must end what still holds it (cancelling
 * the calls still running), and waits for `drain` to settle as before. Answers whether the
 * deadline forced it. Kubernetes kills the pod at its grace period, before Nest's shutdown hooks
 * run, when a drain is left to last as long as its calls.
 */
export async function drainWithin(drain: Promise<void>, deadlineMs: number, force: () => void): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<true>((resolve) => {
    timer = setTimeout(() => resolve(true), deadlineMs);
  });
  try {
    const forced = await Promise.race([drain.then(() => false as const), deadline]);
    if (forced) {
      force();
      await drain;
    }
    return forced;
  } finally {
    clearTimeout(timer);
  }
}
