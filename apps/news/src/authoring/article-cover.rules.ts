import { type ArticleCover, CoverType } from '../articles/article.entity';
import { AuthoringErrors } from './authoring.errors';

/** Cover type of a request that asks the server to pick images from the content. */
export const AUTO_COVER = -1;

const ALLOWED_TYPES = new Set<number>([AUTO_COVER, CoverType.None, CoverType.One, CoverType.Three]);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * What follows STORAGE_PUBLIC_URL in the URL of a stored image: a storage key (content hashes, and
 * the reference's Qiniu keys), one path segment that is no dot segment. Anything else after the
 * prefix (`../app/v1_0/articles/1`, `%2e%2e/x`, `a/../../b`) is a URL a browser resolves out of the
 * storage, to the API or any path of the image host, which each reader's feed would then load.
 */
const STORAGE_KEY = '[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}';
const STORAGE_KEY_ONLY = new RegExp(`^${STORAGE_KEY}$`);

function isStorageImage(image: unknown, publicUrl: string): boolean {
  return (
    typeof image === 'string' &&
    image.startsWith(publicUrl) &&
    STORAGE_KEY_ONLY.test(image.slice(publicUrl.length))
  );
}

/** Image URLs of our storage found as `src="<publicUrl><key>"` in the HTML, in document order. */
export function storageImagesIn(content: string, publicUrl: string): string[] {
  const pattern = new RegExp(`src="(${escapeRegExp(publicUrl)}${STORAGE_KEY})"`, 'g');
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
  if (!images.every((image) => isStorageImage(image, publicUrl)))
    throw AuthoringErrors.invalidCover();
  return { type: cover.type, images };
}
