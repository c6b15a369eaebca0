import { GRPC_MAX_MESSAGE_BYTES } from '@app/grpc';

/** What an article takes in a GetArticles reply besides its title and content: its other fields and framing. */
export const DETAIL_OVERHEAD_BYTES = 128;

/** Room a reply keeps for the ids it leaves out: 100 ids of up to 20 digits, framed. */
const LEFT_OUT_ROOM_BYTES = 4 * 1024;

/**
 * Bytes of articles (`detailReplyBytes`) a reply of at most `maxReplyBytes` holds; undefined for 0,
 * a caller that reads the whole reply. Never more than a reply of GRPC_MAX_MESSAGE_BYTES holds.
 */
export function detailBudget(maxReplyBytes: number): number | undefined {
  if (maxReplyBytes <= 0) return undefined;
  return Math.min(maxReplyBytes, GRPC_MAX_MESSAGE_BYTES) - LEFT_OUT_ROOM_BYTES;
}

/** Bytes an article with this title and content takes in a reply. */
export function detailReplyBytes(detail: { title: string; content: string }): number {
  return (
    Buffer.byteLength(detail.title) + Buffer.byteLength(detail.content) + DETAIL_OVERHEAD_BYTES
  );
}
