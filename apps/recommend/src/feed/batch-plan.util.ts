/** One stored feed batch of a reader in a channel. */
export interface StoredBatch {
  stamp: number;
  ids: string[];
  /**
   * The stamp of the request that drew it, when it was stored as another (ahead of the clock,
   * see `nextStamp`): that request sent again replays it.
   */
  asked?: number;
}

/**
 * What a `user_recommend` call does with its `time_stamp`, as the original recommend centre:
 * newer than the newest stored batch -> a fresh batch, answering the newest stored stamp as the
 * cursor for older batches (0 without history); otherwise the stored batch at or before the
 * stamp, answering the next older stamp (0 when there is none).
 */
export type BatchPlan =
  { kind: 'fresh'; cursor: number } | { kind: 'replay'; ids: string[]; cursor: number };

/** The batch a request drew and stored at another stamp, with the next older stamp (0 for none). */
export interface DrawnBatch {
  ids: string[];
  cursor: number;
}

/**
 * The batch that the request asking for `asked` drew, stored at `storedAt`, among `around` (newest
 * first, from `storedAt` down: that batch and the one before it).
 */
export function drawnBatchOf(
  asked: number,
  storedAt: number,
  around: readonly StoredBatch[],
): DrawnBatch | undefined {
  const index = around.findIndex((batch) => batch.stamp === storedAt && batch.asked === asked);
  return index < 0 ? undefined : { ids: around[index].ids, cursor: cursorAfter(around, index) };
}

/**
 * `batches` newest first: the newest, then the two at or before `requestStamp` (see
 * `ReaderHistory.batches`). The request that drew a batch, sent again (a retry, or at once by
 * another thread) replays it, also when its stamp was ahead of the clock and stored as another:
 * `drawn`, found by its stamp however many were drawn after it, or among `batches` for a batch
 * stored before it was kept by its stamp (unless two or more were drawn after it).
 */
export function planBatch(
  requestStamp: number,
  batches: readonly StoredBatch[],
  drawn?: DrawnBatch,
): BatchPlan {
  if (drawn) return { kind: 'replay', ids: drawn.ids, cursor: drawn.cursor };
  const newest = batches[0];
  const drawnBy = batches.findIndex(
    (batch) => batch.asked === requestStamp && askedAhead(batch) !== undefined,
  );
  if (drawnBy >= 0) {
    // The last one read past the newest: the older ones were not read, the stamp before it leads there.
    const cursor =
      drawnBy > 0 && drawnBy === batches.length - 1
        ? batches[drawnBy].stamp - 1
        : cursorAfter(batches, drawnBy);
    return { kind: 'replay', ids: batches[drawnBy].ids, cursor };
  }
  if (!newest || requestStamp > newest.stamp) return { kind: 'fresh', cursor: newest?.stamp ?? 0 };
  const index = batches.findIndex((batch) => batch.stamp <= requestStamp);
  if (index < 0) return { kind: 'replay', ids: [], cursor: 0 };
  return { kind: 'replay', ids: batches[index].ids, cursor: cursorAfter(batches, index) };
}

/**
 * The next older stamp after the batch at `index`, 0 when there is none. Never that batch's own:
 * a replica of the release before `|<asked>` stores a batch of its own under the stamp of one it
 * cannot read, and a cursor to that stamp again would answer the same page for ever.
 */
function cursorAfter(batches: readonly StoredBatch[], index: number): number {
  const { stamp } = batches[index];
  const older = batches[index + 1];
  if (!older) return 0;
  return older.stamp < stamp ? older.stamp : stamp - 1;
}

/** How far a request's stamp may run ahead of this service's clock and still be stored as sent. */
export const STAMP_SKEW_MS = 5_000;

/**
 * The stamp of a new batch: the request's own, as the original stored it, so the reader's later
 * stamps (from the same clock) compare with it; always after the newest stored one so stamps
 * stay ordered. This service's clock would make every stamp of a reader whose clock is behind
 * it look older than the batch just drawn, and so a replay of nothing. A stamp later than `latest`
 * is stored as `latest`: stored as sent, it stayed the newest once the reader's clock was set
 * right, and every request until then was a replay.
 */
export function nextStamp(
  requestStamp: number,
  batches: readonly StoredBatch[],
  latest: number,
): number {
  return Math.max(Math.min(requestStamp, latest), (batches[0]?.stamp ?? 0) + 1);
}

/**
 * The stamp `batch` was asked for when it was ahead of the one it is stored at (see `nextStamp`),
 * by which that request sent again replays it. A stamp of 0, stored as the first stamp of a reader
 * without history, is none: 0 is also the cursor past the oldest batch, which answers nothing.
 */
export function askedAhead(batch: StoredBatch): number | undefined {
  return batch.asked !== undefined && batch.asked > batch.stamp ? batch.asked : undefined;
}

/** `<stamp>|<id,id,…>`, and `|<asked>` when the request's stamp was ahead of it. */
export function encodeBatch(batch: StoredBatch): string {
  const asked = askedAhead(batch);
  return `${batch.stamp}|${batch.ids.join(',')}${asked === undefined ? '' : `|${asked}`}`;
}

export function decodeBatch(member: string): StoredBatch | undefined {
  const match = /^(\d+)\|([\d,]*)(?:\|(\d+))?$/.exec(member);
  if (!match) return undefined;
  const batch: StoredBatch = { stamp: Number(match[1]), ids: match[2] ? match[2].split(',') : [] };
  if (match[3] !== undefined) batch.asked = Number(match[3]);
  return batch;
}
