import { keysetPages } from './keyset-pages';

const KEYS = ['3', '5', '8', '13', '21'];

/** An in-memory table read as `readAfter` reads one, recording the cursors it was asked from. */
function table(pageSize: number) {
  const asked: string[] = [];
  const readAfter = (after: string) => {
    asked.push(after);
    return Promise.resolve(
      KEYS.filter((key) => BigInt(key) > BigInt(after))
        .slice(0, pageSize)
        .map((id) => ({ id })),
    );
  };
  return { asked, readAfter };
}

async function pagesOf(pageSize: number) {
  const { asked, readAfter } = table(pageSize);
  const pages: string[][] = [];
  for await (const rows of keysetPages(readAfter, (row) => row.id, pageSize))
    pages.push(rows.map((row) => row.id));
  return { pages, asked };
}

describe('keysetPages', () => {
  it('walks the rows a page at a time from the last key of each page, stopping at a short page', async () => {
    expect(await pagesOf(2)).toEqual({
      pages: [['3', '5'], ['8', '13'], ['21']],
      asked: ['0', '5', '13'],
    });
  });

  it('asks once more after a full last page, and yields no empty page', async () => {
    expect(await pagesOf(5)).toEqual({ pages: [KEYS], asked: ['0', '21'] });
  });
});
