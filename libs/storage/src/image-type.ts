/** The image formats uploads may use, named by their usual file extension. */
export type ImageType = 'jpg' | 'png' | 'gif' | 'webp';

export const IMAGE_CONTENT_TYPES: Readonly<Record<ImageType, string>> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
};

const startsWith = (bytes: Buffer, signature: string, offset = 0): boolean =>
  bytes.length >= offset + signature.length &&
  bytes.subarray(offset, offset + signature.length).equals(Buffer.from(signature, 'latin1'));

/**
 * The image type of `bytes` from its magic bytes (never from a file name or a client's
 * content type), or null when the bytes are not a supported image.
 */
export function detectImageType(bytes: Buffer): ImageType | null {
  if (startsWith(bytes, '\xff\xd8\xff')) return 'jpg';
  if (startsWith(bytes, '\x89PNG\r\n\x1a\n')) return 'png';
  if (startsWith(bytes, 'GIF87a') || startsWith(bytes, 'GIF89a')) return 'gif';
  if (startsWith(bytes, 'RIFF') && startsWith(bytes, 'WEBP', 8)) return 'webp';
  return null;
}

/** The image type served for a content type, or null for anything else. */
export function imageTypeOf(contentType: string): ImageType | null {
  const entry = Object.entries(IMAGE_CONTENT_TYPES).find(([, type]) => type === contentType);
  return entry ? (entry[0] as ImageType) : null;
}
