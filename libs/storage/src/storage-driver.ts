import { createHash } from 'node:crypto';

import { imageTypeOf } from './image-type';

/** Where a stored object can be found again; only the key is persisted, never the URL. */
export interface StoredObject {
  key: string;
}

/**
 * A place for uploaded files. Keys are content hashes (`<sha256-hex>.<ext>`), so storing the
 * same bytes twice yields the same key and URLs can be cached forever.
 */
export abstract class StorageDriver {
  /**
   * Stores `bytes` (already checked) and answers their key; idempotent for equal bytes. `key` is
   * their `contentKey`, passed by a caller that computed it already (a checked image) so the
   * bytes are not hashed twice.
   */
  abstract put(bytes: Buffer, contentType: string, key?: string): Promise<StoredObject>;

  /**
   * Stores `bytes` under a fixed `key` (not a content hash: the default photo) unless the key
   * holds something already; true when it wrote them.
   */
  abstract putIfAbsent(key: string, bytes: Buffer, contentType: string): Promise<boolean>;

  /** The public URL of a stored key. */
  abstract url(key: string): string;
}

/** Pattern of every key `contentKey` produces; anything else is not one of our objects. */
export const CONTENT_KEY_PATTERN = /^[0-9a-f]{64}\.(jpg|png|gif|webp)$/;

/** `<sha256-hex>.<ext>` of `bytes`; the extension follows the (already detected) content type. */
export function contentKey(bytes: Buffer, contentType: string): string {
  const extension = imageTypeOf(contentType);
  if (!extension) throw new Error(`unsupported content type ${contentType}`);
  return `${createHash('sha256').update(bytes).digest('hex')}.${extension}`;
}
