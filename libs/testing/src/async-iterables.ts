/** Every value an async iterable yields, in order (`Array.fromAsync` of newer Node). */
export async function collectAsync<T>(source: AsyncIterable<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const value of source) values.push(value);
  return values;
}

/** `values` yielded one at a time, each after an await, as a source read in chunks yields them. */
export async function* yieldEach<T>(values: Iterable<T>): AsyncGenerator<T> {
  for (const value of values) yield await Promise.resolve(value);
}
