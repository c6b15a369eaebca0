import type { ArticleCard } from './article-card';

/**
 * Cards serialized once per card object, as UTF-8: the feed hands out the same recent card to
 * every reader of a channel for RECENT_CARD_MS, so most of a feed page is copied bytes, neither
 * stringified nor encoded per request.
 */
const cardJson = new WeakMap<ArticleCard, Buffer>();

const COMMA = Buffer.from(',');
const CLOSE_ARRAY = Buffer.from(']');

/**
 * `head`, the cards as a JSON array (as `JSON.stringify(cards)` writes it), then `tail`, in one
 * Buffer: Fastify sends it as it is, without measuring or encoding a string.
 */
export function articleCardsJson(
  head: string,
  cards: readonly ArticleCard[],
  tail: string,
): Buffer {
  const parts: Buffer[] = [Buffer.from(`${head}[`)];
  for (let index = 0; index < cards.length; index += 1) {
    const card = cards[index];
    let one = cardJson.get(card);
    if (one === undefined) {
      one = Buffer.from(JSON.stringify(card));
      cardJson.set(card, one);
    }
    if (index > 0) parts.push(COMMA);
    parts.push(one);
  }
  parts.push(CLOSE_ARRAY, Buffer.from(tail));
  return Buffer.concat(parts);
}
