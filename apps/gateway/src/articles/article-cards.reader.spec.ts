import type { TwoLevelCache } from '@app/cache';
import type { articleV1 } from '@app/contracts';
import type Redis from 'ioredis';
import { of } from 'rxjs';

import { ArticleCardsReader, RECENT_CARD_MS } from './article-cards.reader';
import type { AuthorsReader } from './authors.reader';
import type { ChannelPinsReader } from './channel-pins.reader';

const A = '1300000000000000001';
const B = '1300000000000000002';
const C = '1300000000000000003';
const AUTHOR = '1294287382374383616';

const info = (artId: string, chId: number): articleV1.ArticleInfo => ({
  artId,
  title: `t${artId.slice(-1)}`,
  autId: AUTHOR,
  pubdate: '2019-03-11T16:30:05.000Z',
  chId,
  allowComm: true,
  cover: { type: 0, images: [] },
});

function newTestReader(
  cached: Array<articleV1.ArticleInfo | null | undefined>,
  loaded: articleV1.ArticleInfo[],
) {
  const commands: Array<[string, string, ...string[]]> = [];
  const replies: Record<string, Record<string, string>> = {
    'count:art:comm': { [A]: '3' },
    'count:art:liking': { [B]: '7' },
    'count:art:collecting': {},
  };
  const pinned: Record<number, string[]> = { 1: [], 2: [B] };
  const state = {
    zmscore: (key: string, ...ids: string[]) => {
      commands.push(['zmscore', key, ...ids]);
      return Promise.resolve(ids.map((id) => replies[key]?.[id] ?? null));
    },
  };
  const cache = { peekMany: jest.fn(() => Promise.resolve(cached)) };
  const articles = { getArticleCards: jest.fn(() => of({ articles: loaded })) };
  const authors = {
    read: jest.fn(() => Promise.resolve(new Map([[AUTHOR, { name: 'author', photo: 'p' }]]))),
  };
  const reader = new ArticleCardsReader(
    cache as unknown as TwoLevelCache,
    articles as unknown as articleV1.ArticleServiceClient,
    state as unknown as Redis,
    {
      ids: (channelId: number) => {
        commands.push(['pins', String(channelId)]);
        return Promise.resolve(pinned[channelId] ?? []);
      },
    } as unknown as ChannelPinsReader,
    authors as unknown as AuthorsReader,
    { TZ: 'Asia/Shanghai' },
  );
  return { reader, articles, commands };
}

describe('ArticleCardsReader', () => {
  it('asks the news service only for cache misses and keeps the order of the ids, dropping unknown ones', async () => {
    const { reader, articles, commands } = newTestReader(
      [info(A, 1), undefined, null, undefined],
      [info(B, 2)],
    );
    const cards = await reader.read([A, B, C, '1300000000000000009']);
    expect(articles.getArticleCards).toHaveBeenCalledWith({
      articleIds: [B, '1300000000000000009'],
    });
    expect(cards).toEqual([
      {
        art_id: A,
        title: 't1',
        aut_id: AUTHOR,
        aut_name: 'author',
        pubdate: '2019-03-12T00:30:05',
        ch_id: 1,
        cover: { type: 0, images: [] },
        is_top: 0,
        comm_count: 3,
        like_count: 0,
        collect_count: 0,
      },
      expect.objectContaining({ art_id: B, is_top: 1, like_count: 7, comm_count: 0 }),
    ]);
    // three counters in one batch, and the pins of each channel of the cards
    expect(commands.map(([command, key]) => `${command} ${key}`)).toEqual([
      'zmscore count:art:comm',
      'zmscore count:art:liking',
      'zmscore count:art:collecting',
      'pins 1',
      'pins 2',
    ]);
  });

  it('sends the card misses of lists served together in one call', async () => {
    const { reader, articles } = newTestReader(
      [undefined, undefined],
      [info(A, 1), info(B, 2), info(C, 1)],
    );
    const [first, second] = await Promise.all([reader.infos([A, B]), reader.infos([C, B])]);
    expect(first.map((card) => card.artId)).toEqual([A, B]);
    expect(second.map((card) => card.artId)).toEqual([C, B]);
    expect(articles.getArticleCards.mock.calls).toEqual([[{ articleIds: [A, B, C] }]]);
  });

  it('does not call the news service when every card is cached', async () => {
    const { reader, articles } = newTestReader([info(A, 1)], []);
    expect((await reader.read([A])).map((card) => card.art_id)).toEqual([A]);
    expect(articles.getArticleCards).not.toHaveBeenCalled();
  });

  it('answers no cards for no ids without any I/O', async () => {
    const { reader, commands } = newTestReader([], []);
    expect(await reader.read([])).toEqual([]);
    expect(commands).toEqual([]);
  });

  it('reuses recent cards of the same channel for a second, then assembles them again', async () => {
    jest.useFakeTimers({
      now: 1_000_000,
      doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'],
    });
    try {
      const { reader, commands } = newTestReader([info(A, 1)], []);
      const first = await reader.read([A], { topChannelId: 2, recent: true });
      const counted = commands.length;
      expect(counted).toBeGreaterThan(0);
      expect(await reader.read([A], { topChannelId: 2, recent: true })).toEqual(first);
      expect(commands.length).toBe(counted);
      // another channel, or no reuse asked: assembled
      await reader.read([A], { topChannelId: 3, recent: true });
      await reader.read([A], { topChannelId: 2 });
      const assembled = commands.length;
      expect(assembled).toBeGreaterThan(counted);
      jest.setSystemTime(1_000_000 + RECENT_CARD_MS);
      await reader.read([A], { topChannelId: 2, recent: true });
      expect(commands.length).toBeGreaterThan(assembled);
    } finally {
      jest.useRealTimers();
    }
  });
});
