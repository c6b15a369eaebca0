/**
 * `items` in order split into those `budget` bytes take, the first always (so a bounded read
 * answers one at least), and those left out; an item of 0 bytes (none stored) is always taken.
 * `room` is what the taken items leave of the budget (negative when the first alone took more).
 */
export function withinBudget<T>(
  items: readonly T[],
  bytesOf: (item: T) => number,
  budget: number,
): { taken: T[]; leftOut: T[]; room: number } {
  const taken: T[] = [];
  const leftOut: T[] = [];
  let room = budget;
  for (const item of items) {
    const bytes = bytesOf(item);
    if (taken.length > 0 && bytes > 0 && bytes > room) {
      leftOut.push(item);
      continue;
    }
    taken.push(item);
    room -= bytes;
  }
  return { taken, leftOut, room };
}
