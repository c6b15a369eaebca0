import { median } from './report';

/**
 * Measures two variants in the same run: each round measures both, the first one first in odd
 * rounds and second in even ones. Prints each measurement (`unit` after the value) and answers
 * each variant's median.
 */
export async function interleavedMedians<V extends string>(
  rounds: number,
  [first, second]: readonly [V, V],
  measureOne: (variant: V, round: number) => number | Promise<number>,
  unit: (value: number) => string,
): Promise<Record<V, number>> {
  const results = new Map<V, number[]>([
    [first, []],
    [second, []],
  ]);
  for (let round = 1; round <= rounds; round++) {
    for (const variant of round % 2 === 1 ? [first, second] : [second, first]) {
      const value = await measureOne(variant, round);
      results.get(variant)?.push(value);
      console.log(`round ${round}/${rounds} ${variant}: ${unit(value)}`);
    }
  }
  return {
    [first]: median(results.get(first) ?? []),
    [second]: median(results.get(second) ?? []),
  } as Record<V, number>;
}
