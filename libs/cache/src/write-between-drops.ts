/**
 * Runs `write` between two drops of the cached copies it changes (delete-before-and-after-write).
 * The drop before makes a cache Redis that is down refuse the request with nothing changed
 * (dropped after the write only, the change was committed and answered 503). The drop after,
 * also when the write failed halfway, keeps no copy that a read filled from MySQL meanwhile; its
 * failure goes to `onLateDropFailure` and the write's outcome stands, the change being made (a
 * 503 would tell the client it failed). Callers drop also when nothing changed, so a retry
 * clears what an earlier attempt left.
 */
export async function writeBetweenDrops<T>(
  drop: () => Promise<unknown>,
  write: () => Promise<T>,
  onLateDropFailure: (error: unknown) => void,
): Promise<T> {
  await drop();
  try {
    return await write();
  } finally {
    await drop().catch(onLateDropFailure);
  }
}
