import { median } from './report';

/**
 * Measures two variants in the same run: each round measures both, the first one first in odd
 * rounds and second in even ones. Prints each measurement (`unit` after the value) and answers
 * each variant's median.
 */
export async function interleavedMedians<V extends string>(
  rounds: number,
  variants: readonly [V, V],
  measureOne: (variant: V, round: number) => number | Promise<number>,
  unit: (value: number) => string,
): Promise<Record<V, number>> {
  const results: [number[], number[]] = [[], []];
  for (let round = 1; round <= rounds; round++) {
    for (const index of round % 2 === 1 ? [0, 1] : [1, 0]) {
      const value = await measureOne(variants[index], round);
      results[index].push(value);
      console.log(`round ${round}/${rounds} ${variants[index]}: ${unit(value)}`);
    }
  }
  return { [variants[0]]: median(results[0]), [variants[1]]: median(results[1]) } as Record<
    V,
    number
  >;
}
