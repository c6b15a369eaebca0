import { withinBudget } from './byte-budget';

describe('withinBudget', () => {
  it('takes items in order while they fit, the first always, and leaves out the others', () => {
    const bytes: Record<string, number> = { a: 7, b: 4, c: 3, d: 0, e: 1 };
    expect(withinBudget(['a', 'b', 'c', 'd', 'e'], (id) => bytes[id], 5)).toEqual({
      taken: ['a', 'd'],
      leftOut: ['b', 'c', 'e'],
      room: -2,
    });
    expect(withinBudget(['b', 'e', 'c', 'd'], (id) => bytes[id], 5)).toEqual({
      taken: ['b', 'e', 'd'],
      leftOut: ['c'],
      room: 0,
    });
    expect(withinBudget([], (id: string) => bytes[id], 5)).toEqual({
      taken: [],
      leftOut: [],
      room: 5,
    });
  });
});
