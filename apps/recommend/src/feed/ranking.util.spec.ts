import type { RankWeights } from '../config/recommend.config';
import {
  channelInterest,
  compareIds,
  popularityScore,
  rank,
  rankedPool,
  type RankInput,
  recencyScore,
  topInOrder,
  topInterests,
} from './ranking.util';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 0, 10);
const none = { likes: 0, comments: 0, collections: 0, reads: 0 };
const weights = (recency: number, popularity: number, interest: number): RankWeights => ({
  recency,
  popularity,
  interest,
});

describe('ranking', () => {
  it('halves recency every half-life and treats future dates as new', () => {
    expect(recencyScore(NOW, NOW, 24 * HOUR)).toBe(1);
    expect(recencyScore(NOW - 24 * HOUR, NOW, 24 * HOUR)).toBeCloseTo(0.5);
    expect(recencyScore(NOW - 48 * HOUR, NOW, 24 * HOUR)).toBeCloseTo(0.25);
    expect(recencyScore(NOW + HOUR, NOW, 24 * HOUR)).toBe(1);
  });

  it('scores popularity as log10 of weighted counters', () => {
    expect(popularityScore(none)).toBe(0);
    expect(popularityScore({ ...none, reads: 9 })).toBeCloseTo(1);
    // 3 per like, 4 per comment, 5 per collection, 1 per read
    expect(popularityScore({ likes: 10, comments: 10, collections: 10, reads: 9 })).toBeCloseTo(
      Math.log10(1 + 30 + 40 + 50 + 9),
    );
  });

  it('turns reading history channels into shares', () => {
    expect(channelInterest([1, 1, 2, 1])).toEqual(
      new Map([
        [1, 0.75],
        [2, 0.25],
      ]),
    );
    expect(channelInterest([]).size).toBe(0);
  });

  it("names a reader's channels of the largest share first, the lower id among equals", () => {
    expect(topInterests(channelInterest([7, 7, 7, 3, 9, 9, 9, 4, 4]), 3)).toEqual([7, 9, 4]);
    expect(topInterests(channelInterest([5]), 3)).toEqual([5]);
    expect(topInterests(channelInterest([]), 3)).toEqual([]);
  });

  it('orders newer first when only recency counts', () => {
    const inputs: RankInput[] = [
      { id: '1', createdMs: NOW - 10 * HOUR, popularity: { ...none, reads: 1000 } },
      { id: '2', createdMs: NOW - HOUR, popularity: none },
    ];
    expect(
      rank(inputs, {
        now: NOW,
        halfLifeMs: 24 * HOUR,
        weights: weights(1, 0, 0),
        interest: new Map(),
      }),
    ).toEqual(['2', '1']);
  });

  it('lets a popular article beat a slightly newer one when popularity weighs', () => {
    const inputs: RankInput[] = [
      { id: '1', createdMs: NOW - 2 * HOUR, popularity: { ...none, likes: 300 } },
      { id: '2', createdMs: NOW - HOUR, popularity: none },
    ];
    expect(
      rank(inputs, {
        now: NOW,
        halfLifeMs: 24 * HOUR,
        weights: weights(1, 0.25, 0),
        interest: new Map(),
      }),
    ).toEqual(['1', '2']);
  });

  it('boosts channels the reader reads', () => {
    const inputs: RankInput[] = [
      { id: '1', createdMs: NOW - HOUR, popularity: none, channelId: 1 },
      { id: '2', createdMs: NOW - 3 * HOUR, popularity: none, channelId: 2 },
    ];
    const context = { now: NOW, halfLifeMs: 24 * HOUR, weights: weights(1, 0, 0.5) };
    expect(rank(inputs, { ...context, interest: new Map() })).toEqual(['1', '2']);
    expect(rank(inputs, { ...context, interest: channelInterest([2, 2, 2]) })).toEqual(['2', '1']);
  });

  it('breaks ties by creation time, then by numeric id', () => {
    const inputs: RankInput[] = [
      { id: '9', createdMs: NOW, popularity: none },
      { id: '10', createdMs: NOW, popularity: none },
      { id: '8', createdMs: NOW + 1, popularity: none },
    ];
    expect(
      rank(inputs, {
        now: NOW + 10,
        halfLifeMs: 24 * HOUR,
        weights: weights(0, 0, 0),
        interest: new Map(),
      }),
    ).toEqual(['8', '10', '9']);
    expect(compareIds('1294287382374383617', '999')).toBeGreaterThan(0);
  });

  it('takes the best of a window from the ranking of the whole pool, as ranking the window would', () => {
    const inputs: RankInput[] = ['5', '4', '3', '2', '1'].map((id) => ({
      id,
      createdMs: NOW,
      popularity: { ...none, likes: Number(id) % 3 },
    }));
    const window = inputs.filter((input) => ['4', '2', '1'].includes(input.id));
    const context = {
      now: NOW,
      halfLifeMs: 24 * HOUR,
      weights: weights(0, 1, 0),
      interest: new Map(),
    };
    const ranked = rankedPool(rank(inputs, context));
    expect(ranked.ids).toEqual(['5', '2', '4', '1', '3']);
    expect(topInOrder(ranked, window, 2)).toEqual(['2', '4']);
    expect(topInOrder(ranked, window, 2)).toEqual(rank(window, context).slice(0, 2));
    expect(topInOrder(ranked, window, 10)).toEqual(['2', '4', '1']);
    expect(topInOrder(ranked, [...window, { id: '6', createdMs: NOW }], 10)).toEqual([
      '2',
      '4',
      '1',
    ]);
  });

  it('takes the best of a window deep in a large pool as ranking the window would', () => {
    const context = {
      now: NOW,
      halfLifeMs: 24 * HOUR,
      weights: weights(1, 1, 0),
      interest: new Map(),
    };
    const inputs: RankInput[] = Array.from({ length: 3000 }, (_, index) => ({
      id: String(1_000_000 + index),
      createdMs: NOW - index * 60_000,
      popularity: { ...none, reads: (index * 7919) % 1000 },
    }));
    const ranked = rankedPool(rank(inputs, context));
    const window = inputs.slice(2000, 2200);
    expect(topInOrder(ranked, window, 100)).toEqual(rank(window, context).slice(0, 100));
  });
});
