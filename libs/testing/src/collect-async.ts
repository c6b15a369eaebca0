/** Every value an async iterable yields, in order (`Array.fromAsync` of newer Node). */
export async function collectAsync<T>(source: AsyncIterable<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const value of source) values.push(value);
  return values;
}
