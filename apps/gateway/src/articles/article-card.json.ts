import type { ArticleCard } from './article-card';

/**
 * Cards serialized once per card object: the feed hands out the same recent card to every reader
 * of a channel for RECENT_CARD_MS, so most of a feed page is joined, not stringified.
 */
const cardJson = new WeakMap<ArticleCard, string>();

/** A JSON array of the cards, as `JSON.stringify(cards)` writes it. */
export function articleCardsJson(cards: readonly ArticleCard[]): string {
  let json = '[';
  for (let index = 0; index < cards.length; index += 1) {
    const card = cards[index];
    let one = cardJson.get(card);
    if (one === undefined) {
      one = JSON.stringify(card);
      cardJson.set(card, one);
    }
    json += index === 0 ? one : `,${one}`;
  }
  return `${json}]`;
}
