import type { ArticleCard } from './article-card';
import { articleCardsJson } from './article-card.json';

const card = (id: string, overrides: Partial<ArticleCard> = {}): ArticleCard => ({
  art_id: id,
  title: `title "${id}" \u2028 标题`,
  aut_id: '7',
  aut_name: 'author',
  pubdate: '2024-01-02T03:04:05',
  ch_id: 3,
  cover: { type: 1, images: ['http://img/1.png'] },
  is_top: 0,
  comm_count: 1,
  like_count: 2,
  collect_count: 3,
  ...overrides,
});

describe('articleCardsJson', () => {
  it('writes what JSON.stringify writes, as UTF-8 between head and tail, for no cards, one and several', () => {
    for (const cards of [
      [],
      [card('1')],
      [card('1'), card('2', { is_top: 1, cover: { type: 0, images: [] } }), card('3')],
    ]) {
      const body = articleCardsJson('{"标":', cards, '}');
      expect(body.toString('utf8')).toBe(`{"标":${JSON.stringify(cards)}}`);
      expect(body.length).toBe(Buffer.byteLength(`{"标":${JSON.stringify(cards)}}`));
    }
  });

  it('serializes a card object once: a later change of the same object is not seen, a new object is', () => {
    const shared = card('9');
    const json = (cards: ArticleCard[]): string => articleCardsJson('', cards, '').toString();
    expect(JSON.parse(json([shared])) as ArticleCard[]).toEqual([shared]);
    shared.like_count = 99;
    expect(json([shared])).toContain('"like_count":2');
    expect(json([{ ...shared }])).toContain('"like_count":99');
  });
});
