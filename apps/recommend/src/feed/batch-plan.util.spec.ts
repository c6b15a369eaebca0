import {
  decodeBatch,
  drawnBatchOf,
  encodeBatch,
  nextStamp,
  planBatch,
  type StoredBatch,
} from './batch-plan.util';

const stored: StoredBatch[] = [
  { stamp: 3000, ids: ['5', '6'] },
  { stamp: 2000, ids: ['3', '4'] },
  { stamp: 1000, ids: ['1', '2'] },
];

describe('timestamp batches', () => {
  it('computes a fresh batch without history and answers cursor 0', () => {
    expect(planBatch(Date.now(), [])).toEqual({ kind: 'fresh', cursor: 0 });
  });

  it('computes a fresh batch for a stamp newer than the newest batch, answering that batch stamp', () => {
    expect(planBatch(3001, stored)).toEqual({ kind: 'fresh', cursor: 3000 });
  });

  it('replays the batch at or before an older stamp and answers the next older stamp', () => {
    expect(planBatch(3000, stored)).toEqual({ kind: 'replay', ids: ['5', '6'], cursor: 2000 });
    expect(planBatch(2500, stored)).toEqual({ kind: 'replay', ids: ['3', '4'], cursor: 1000 });
  });

  it('answers cursor 0 with the oldest batch, and nothing before it', () => {
    expect(planBatch(1000, stored)).toEqual({ kind: 'replay', ids: ['1', '2'], cursor: 0 });
    expect(planBatch(999, stored)).toEqual({ kind: 'replay', ids: [], cursor: 0 });
  });

  it("stamps a new batch with the request's stamp, but after the newest stored one", () => {
    expect(nextStamp(5000, stored, 9000)).toBe(5000);
    expect(nextStamp(2500, stored, 9000)).toBe(3001);
  });

  it('stamps a new batch no later than `latest`', () => {
    expect(nextStamp(50_000, stored, 9000)).toBe(9000);
    expect(nextStamp(50_000, stored, 2000)).toBe(3001);
  });

  it('replays the newest batch to the request that drew it when its stamp was stored as another', () => {
    const ahead: StoredBatch[] = [{ stamp: 9000, ids: ['7'], asked: 50_000 }, ...stored];
    expect(planBatch(50_000, ahead)).toEqual({ kind: 'replay', ids: ['7'], cursor: 3000 });
    expect(planBatch(50_001, ahead)).toEqual({ kind: 'fresh', cursor: 9000 });
  });

  it('replays a batch to the request that drew it ahead of the clock, also once a later one drew', () => {
    // What `FeedHistoryStore.read` gives for 50 000: the newest, and the two at or before it.
    const later: StoredBatch[] = [
      { stamp: 9100, ids: ['8'], asked: 51_000 },
      { stamp: 9000, ids: ['7'], asked: 50_000 },
    ];
    expect(planBatch(50_000, later)).toEqual({ kind: 'replay', ids: ['7'], cursor: 8999 });
    expect(planBatch(50_000, [...later, ...stored])).toEqual({
      kind: 'replay',
      ids: ['7'],
      cursor: 3000,
    });
  });

  it('replays the batch a request drew, found by its stamp, with the stamp before it, before anything read', () => {
    // The batch asked for 50 000, stored at 9000, and the one before it; three more came after.
    const around: StoredBatch[] = [{ stamp: 9000, ids: ['7'], asked: 50_000 }, ...stored];
    const drawn = drawnBatchOf(50_000, 9000, around);
    expect(drawn).toEqual({ ids: ['7'], cursor: 3000 });
    expect(drawnBatchOf(50_000, 9000, around.slice(0, 1))).toEqual({ ids: ['7'], cursor: 0 });
    expect(drawnBatchOf(50_000, 9000, stored)).toBeUndefined();
    expect(drawnBatchOf(50_001, 9000, around)).toBeUndefined();
    const later: StoredBatch[] = [
      { stamp: 9003, ids: ['10'], asked: 50_003 },
      { stamp: 9002, ids: ['9'], asked: 50_002 },
    ];
    expect(planBatch(50_000, later, drawn)).toEqual({ kind: 'replay', ids: ['7'], cursor: 3000 });
    expect(planBatch(50_000, later)).toEqual({ kind: 'fresh', cursor: 9003 });
  });

  it('pages on past a stamp that holds two batches, not to that stamp again', () => {
    // A replica of the release before `|<asked>` reads no such batch: asked for its stamp, it
    // draws a batch of its own and stores it under the same stamp.
    const twice: StoredBatch[] = [
      { stamp: 9000, ids: ['9'] },
      { stamp: 5000, ids: ['8'] },
      { stamp: 5000, ids: ['7'], asked: 50_000 },
    ];
    expect(planBatch(5000, twice)).toEqual({ kind: 'replay', ids: ['8'], cursor: 4999 });
    expect(planBatch(50_000, [twice[2], twice[1]])).toEqual({
      kind: 'replay',
      ids: ['7'],
      cursor: 4999,
    });
  });

  it('keeps no stamp 0 asked for, nor replays by it: 0 is the cursor past the oldest batch', () => {
    // 0 without history is a fresh batch, stored as the first stamp, 1.
    expect(encodeBatch({ stamp: 1, ids: ['1'], asked: 0 })).toBe('1|1');
    // As the release before stored it.
    const first = decodeBatch('1|1|0') ?? { stamp: 0, ids: [] };
    expect(planBatch(0, [first])).toEqual({ kind: 'replay', ids: [], cursor: 0 });
  });

  it('round-trips stored batches and rejects foreign members', () => {
    expect(encodeBatch({ stamp: 9, ids: ['3'], asked: 9 })).toBe('9|3');
    expect(decodeBatch(encodeBatch({ stamp: 9, ids: ['3'], asked: 90 }))).toEqual({
      stamp: 9,
      ids: ['3'],
      asked: 90,
    });
    expect(decodeBatch(encodeBatch({ stamp: 7, ids: ['1294287382374383617', '2'] }))).toEqual({
      stamp: 7,
      ids: ['1294287382374383617', '2'],
    });
    expect(decodeBatch(encodeBatch({ stamp: 8, ids: [] }))).toEqual({ stamp: 8, ids: [] });
    expect(decodeBatch('junk')).toBeUndefined();
  });
});
