import { type ArticleCover, CoverType } from '../articles/article.entity';
import { AuthoringErrors } from './authoring.errors';

/** Cover type of a request that asks the server to pick images from the content. */
export const AUTO_COVER = -1;

const ALLOWED_TYPES = new Set<number>([AUTO_COVER, CoverType.None, CoverType.One, CoverType.Three]);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Image URLs of our storage found as `src="<publicUrl>…"` in the HTML, in document order. */
export function storageImagesIn(content: string, publicUrl: string): string[] {
  const pattern = new RegExp(`src="(${escapeRegExp(publicUrl)}[^"]*)"`, 'g');
  return [...content.matchAll(pattern)].map((match) => match[1]);
}

/**
 * The cover to store (reference §9). `type` is -1 (auto), 0, 1 or 3; unless auto, the first `type`
 * images, all from our storage; the rest are dropped, as the publish admin keeps the images picked
 * for another type and shows only the first `type` slots (the reference refused them). Auto takes
 * the first images of the content (the reference picks at random; first ones keep edits
 * reproducible): none → 0, 1–2 → 1, 3+ → 3.
 */
export function resolveCover(
  cover: { type: number; images: readonly string[] } | undefined,
  content: string,
  publicUrl: string,
): ArticleCover {
  if (!cover || !ALLOWED_TYPES.has(cover.type)) throw AuthoringErrors.invalidCover();
  if (cover.type === AUTO_COVER) {
    const found = storageImagesIn(content, publicUrl);
    if (found.length === 0) return { type: CoverType.None, images: [] };
    if (found.length < 3) return { type: CoverType.One, images: found.slice(0, 1) };
    return { type: CoverType.Three, images: found.slice(0, 3) };
  }
  const images = cover.images.slice(0, cover.type);
  if (images.length !== cover.type) throw AuthoringErrors.invalidCover();
  if (!images.every((image) => typeof image === 'string' && image.startsWith(publicUrl) && image.length > publicUrl.length)) {
    throw AuthoringErrors.invalidCover();
  }
  return { type: cover.type, images };
}
