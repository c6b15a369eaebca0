/** The longest delay `setTimeout` takes; a longer one overflows and fires after 1 ms. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Calls `action` once `now()` has reached `deadline` (ms since the epoch), however far off: a
 * deadline past setTimeout's limit is waited for in steps. The timer never keeps the process
 * alive. Returns what cancels it.
 */
export function callAt(
  deadline: number,
  action: () => void,
  now: () => number = Date.now,
): () => void {
  let timer: NodeJS.Timeout;
  const arm = (): void => {
    const delay = Math.min(Math.max(deadline - now(), 0), MAX_TIMER_DELAY_MS);
    // A timer may fire a millisecond before the wall clock says the deadline came.
    timer = setTimeout(() => (now() >= deadline ? action() : arm()), delay).unref();
  };
  arm();
  return () => clearTimeout(timer);
}
