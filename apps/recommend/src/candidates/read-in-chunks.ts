/**
 * Ids per Redis command when whole pools are read or written: one command over 50 000 ids keeps
 * Redis busy for milliseconds (every other client waits), and parsing its reply blocks this
 * process's event loop for tens of milliseconds.
 */
export const IDS_PER_COMMAND = 1000;

/**
 * `read` over `items` one chunk at a time, answers in the same order. Each chunk waits for the
 * one before, so requests in between are served while a large read goes on.
 */
export async function readInChunks<Item, Answer>(
  items: readonly Item[],
  read: (chunk: Item[]) => Promise<Answer[]>,
  chunkSize = IDS_PER_COMMAND,
): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let start = 0; start < items.length; start += chunkSize) {
    for (const answer of await read(items.slice(start, start + chunkSize))) answers.push(answer);
  }
  return answers;
}
