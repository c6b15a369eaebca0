import { CacheTtl, ttlWithJitter } from './ttl';

describe('ttlWithJitter', () => {
  it('adds a jitter in [0, max) to the base', () => {
    expect(ttlWithJitter({ baseSeconds: 1800, maxJitterSeconds: 600 }, () => 0)).toBe(1800);
    expect(ttlWithJitter({ baseSeconds: 1800, maxJitterSeconds: 600 }, (max) => max - 1)).toBe(
      2399,
    );
  });

  it('spreads expiries of keys written together', () => {
    const ttls = new Set(Array.from({ length: 200 }, () => ttlWithJitter(CacheTtl.articleInfo)));
    expect(ttls.size).toBeGreaterThan(50);
    for (const ttl of ttls) {
      expect(ttl).toBeGreaterThanOrEqual(1800);
      expect(ttl).toBeLessThan(2400);
    }
  });

  it('keeps fixed TTLs fixed', () => {
    expect(ttlWithJitter(CacheTtl.channels)).toBe(24 * 3600);
    expect(ttlWithJitter(CacheTtl.smsCode)).toBe(300);
  });
});
