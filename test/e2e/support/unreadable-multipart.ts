/**
 * Multipart bodies the parser cannot read, made from a well-formed one: cut short, garbage after
 * a boundary that is not in it, and the whole body under a content type without its boundary.
 */
export function unreadableMultipartBodies(whole: {
  payload: Buffer;
  headers: Record<string, string>;
}): Array<readonly [contentType: string, payload: Buffer]> {
  return [
    [whole.headers['content-type'], whole.payload.subarray(0, whole.payload.length - 12)],
    ['multipart/form-data; boundary=nothing-like-it', Buffer.from('garbage')],
    ['multipart/form-data', whole.payload],
  ];
}
