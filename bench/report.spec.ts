import { boundingBaseline, netCounts, type Row, targetText, verdictOf } from './report';
import { testRow } from './test-row';

const row = (endpoint: string, ratioL2: number, extra: Partial<Row> = {}): Row =>
  testRow(endpoint, { ratioL2, ...extra });

describe('verdictOf', () => {
  const target = { ratioL2: 0.85 };

  it('is met when the ratio, the SQL count and the errors are all within the target', () => {
    expect(verdictOf(row('E1', 0.9), target, row('E1:L4', 0.95))).toBe('met');
    expect(
      verdictOf(row('E4', 0.6, { sqlPerRequest: 2 }), { ratioL2: 0.5, maxSql: 3 }, undefined),
    ).toBe('met');
  });

  it('is SHORT on any of the three', () => {
    expect(verdictOf(row('E1', 0.8), target, row('E1:L4', 0.95))).toBe('SHORT');
    expect(
      verdictOf(row('E4', 0.6, { sqlPerRequest: 4 }), { ratioL2: 0.5, maxSql: 3 }, undefined),
    ).toBe('SHORT');
    expect(verdictOf(row('E1', 0.9, { non2xx: 1 }), target, undefined)).toBe('SHORT');
    expect(verdictOf(row('E5', 0.1, { errors: 2 }), undefined, undefined)).toBe('SHORT');
    expect(verdictOf(row('E5', 0.1), undefined, undefined)).toBe('met');
  });

  it('names the baseline when the framework alone fell below the target in the same run', () => {
    expect(verdictOf(row('E1', 0.2), target, row('E1:L4', 0.8))).toBe(
      "SHORT (target above L4's ÷L2 0.800)",
    );
    expect(verdictOf(row('E3', 0.5), { ratioL2: 0.75 }, row('E3:L3', 0.7))).toBe(
      "SHORT (target above L3's ÷L2 0.700)",
    );
    // Three digits, so a bound just under the target does not read as equal to it.
    expect(verdictOf(row('E1', 0.2), target, row('E1:L4', 0.8462))).toBe(
      "SHORT (target above L4's ÷L2 0.846)",
    );
    expect(verdictOf(row('E1', 0.2), target, row('E1:L4', 0.85))).toBe('SHORT');
    expect(verdictOf(row('E4', 0.03), { ratioL2: 0.5, maxSql: 3 }, row('E4:L5', 0.2104))).toBe(
      "SHORT (target above L5's ÷L2 0.210)",
    );
  });
});

describe('boundingBaseline', () => {
  it('bounds an endpoint by the reference server that does the least it must do', () => {
    expect(boundingBaseline({})).toBe('L3');
    expect(boundingBaseline({ readsRedis: true })).toBe('L4');
    expect(boundingBaseline({ readsRedis: true, asksService: true })).toBe('L5');
    expect(boundingBaseline({ asksService: true })).toBe('L5');
  });
});

describe('targetText', () => {
  it('states the ratio, the SQL bound when there is one, and no errors', () => {
    expect(targetText({ ratioL2: 0.5, maxSql: 3 })).toBe('÷L2 ≥ 0.5, SQL ≤ 3, 0 errors');
    expect(targetText({ ratioL2: 0.85 })).toBe('÷L2 ≥ 0.85, 0 errors');
    expect(targetText(undefined)).toBe('0 errors');
  });
});

describe('netCounts', () => {
  // The counters are read before the load generator starts and after it ends: each window holds
  // its start-up (here 1 s) besides the load's own seconds, and background traffic runs all along.
  const quiet = {
    redisCommands: 60,
    sqlStatements: 600,
    requests: 50_000,
    seconds: 5,
    windowSeconds: 6,
  };

  it('subtracts the background at its rate over the whole window, whatever the load lasted', () => {
    // A miss run of 500 ids over 1 s: 2 commands and 3 statements each, plus 2 s of background (10 and 100 a second).
    const misses = {
      redisCommands: 1_020,
      sqlStatements: 1_700,
      requests: 500,
      seconds: 1,
      windowSeconds: 2,
    };
    const net = netCounts(misses, quiet);
    expect(net.redisNet).toBeCloseTo(2, 6);
    expect(net.sqlNet).toBeCloseTo(3, 6);
    expect(netCounts(quiet, quiet)).toEqual({ redisNet: 0, sqlNet: 0 });
  });

  it('subtracts nothing without a quiet run', () => {
    const grpc = {
      redisCommands: 2_000,
      sqlStatements: 0,
      requests: 1_000,
      seconds: 5,
      windowSeconds: 6,
    };
    expect(netCounts(grpc, undefined)).toEqual({ redisNet: 2, sqlNet: 0 });
  });
});
