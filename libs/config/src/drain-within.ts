import { settledWithin } from './answers-within';

/**
 * Waits for `drain` (a server's graceful close, which waits for the calls or requests in
 * progress) for `deadlineMs`, then runs `force`, which must end what still holds it (cancelling
 * the calls still running), and waits for `drain` to settle as before. Answers whether the
 * deadline forced it. Kubernetes kills the pod at its grace period, before Nest's shutdown hooks
 * run, when a drain is left to last as long as its calls.
 */
export async function drainWithin(
  drain: Promise<void>,
  deadlineMs: number,
  force: () => void,
): Promise<boolean> {
  const drained = await settledWithin(drain.then(settles, settles), deadlineMs, false);
  if (!drained) force();
  await drain;
  return !drained;
}

/** True: the promise it follows settled (its rejection is still `await`ed from it). */
const settles = (): boolean => true;
