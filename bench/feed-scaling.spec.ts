import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  compareFeedScaling,
  feedScalingMarkdown,
  newestFeedRun,
  type RunSummary,
} from './feed-scaling';
import type { Row } from './report';
import { testRow } from './test-row';

const row = (endpoint: string, cpuMicrosPerRequest: number, extra: Partial<Row> = {}): Row =>
  testRow(endpoint, { rps: 1_000_000 / cpuMicrosPerRequest, cpuMicrosPerRequest, ...extra });

const LOAD = { rounds: 3, duration: 5 };
const quick = (rows: Row[]): RunSummary => ({
  stamp: 'q',
  spec: { size: 'quick', articles: 10_000 },
  options: LOAD,
  rows,
});
const full = (rows: Row[]): RunSummary => ({
  stamp: 'f',
  spec: { size: 'full', articles: 100_000 },
  options: LOAD,
  rows,
});

describe('compareFeedScaling', () => {
  it('puts the smaller dataset first whichever run is current, and gives the CPU growth', () => {
    const small = quick([row('E1', 160, { ratioL2: 0.3 }), row('E2', 400)]);
    const large = full([row('E1', 140, { ratioL2: 0.28 }), row('E2', 500)]);
    const scaling = compareFeedScaling(large, small);
    expect(scaling?.small.stamp).toBe('q');
    expect(scaling?.lines.map((line) => [line.endpoint, line.cpuGrowth])).toEqual([
      ['E1', 140 / 160],
      ['E2', 500 / 400],
    ]);
    expect(compareFeedScaling(small, large)?.lines).toEqual(scaling?.lines);
  });

  it('compares only the feed rows both runs measured', () => {
    const scaling = compareFeedScaling(
      quick([row('E1', 160), row('E2', 400), row('E3', 60)]),
      full([row('E1', 150), { ...row('E2', 390), measured: false }, row('E3', 70)]),
    );
    expect(scaling?.lines.map((line) => line.endpoint)).toEqual(['E1']);
  });

  it('has nothing to say about runs of the same size or without a shared feed row', () => {
    expect(
      compareFeedScaling(quick([row('E1', 160)]), { ...quick([row('E1', 150)]), stamp: 'q2' }),
    ).toBeUndefined();
    expect(compareFeedScaling(quick([row('E1', 160)]), full([row('E3', 60)]))).toBeUndefined();
  });

  it('writes one table line per endpoint, smaller size first', () => {
    const scaling = compareFeedScaling(
      quick([row('E1', 160, { ratioL2: 0.3, fallbacks: 0 })]),
      full([row('E1', 176, { ratioL2: 0.27, fallbacks: 2 })]),
    );
    expect(scaling && feedScalingMarkdown(scaling).split('\n')).toEqual(
      expect.arrayContaining([
        '## Feed scaling: 10000 → 100000 articles',
        '| E1 | 160 → 176 | 1.10 | 5.0 → 5.0 | 0.30 → 0.27 | 0 → 2 |',
      ]),
    );
  });

  it('says so when the two runs did not put the same load on the feed', () => {
    const same = compareFeedScaling(quick([row('E1', 160)]), full([row('E1', 176)]));
    const longer = compareFeedScaling(quick([row('E1', 160)]), {
      ...full([row('E1', 300)]),
      options: { rounds: 5, duration: 10 },
    });
    expect(same && feedScalingMarkdown(same)).not.toContain('Not comparable');
    expect(longer && feedScalingMarkdown(longer)).toContain(
      'Not comparable: 3 rounds × 5 s against 5 rounds × 10 s.',
    );
  });
});

describe('newestFeedRun', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'feed-scaling-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, run: RunSummary): void =>
    writeFileSync(join(dir, name), JSON.stringify(run));

  it('finds the newest run of the size that measured every wanted feed row, else the newest with any', () => {
    write('2026-12-01.json', {
      ...full([row('E1', 150), row('E2', 390)]),
      stamp: 'older, both rows',
    });
    write('2026-12-02.json', { ...full([row('E1', 140)]), stamp: 'newer, E1 only' });
    write('2026-12-03.json', { ...full([row('E3', 60)]), stamp: 'no feed' });
    write('2026-12-04.json', { ...quick([row('E1', 160)]), stamp: 'quick' });
    writeFileSync(join(dir, '2026-12-04.md'), '# not a run');
    expect(newestFeedRun(dir, 'full', ['E1', 'E2'])?.stamp).toBe('older, both rows');
    expect(newestFeedRun(dir, 'full', ['E1'])?.stamp).toBe('newer, E1 only');
    expect(newestFeedRun(dir, 'full', ['E1s'])?.stamp).toBe('newer, E1 only');
    expect(newestFeedRun(dir, 'quick')?.stamp).toBe('quick');
  });

  it('finds nothing in a folder without one', () => {
    write('2026-12-04.json', quick([row('E1', 160)]));
    expect(newestFeedRun(dir, 'full')).toBeUndefined();
  });
});
