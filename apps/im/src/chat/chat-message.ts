import { isBlankText, STRAY_CONTROL, WHOLE_CHARACTERS } from '@app/grpc';

export const MAX_CHAT_MESSAGE_LENGTH = 500;
/** `create_time` is an int32 in chatbot.proto. */
const MAX_CREATE_TIME = 2_147_483_647;
/** The reference's rule: values at or above 1e10 are milliseconds. */
const MILLISECONDS_THRESHOLD = 1e10;

/** A validated chat message: text and its time in whole seconds. */
export interface ChatMessage {
  text: string;
  createTime: number;
}

export type ChatMessageParseResult =
  | { ok: true; message: ChatMessage }
  | { ok: false; errors: Partial<Record<'msg' | 'timestamp', string>> };

/** Seconds from a client timestamp given in seconds or milliseconds. */
export function normalizeTimestamp(value: number): number {
  return Math.floor(value >= MILLISECONDS_THRESHOLD ? value / 1000 : value);
}

/**
 * Validates the client's `message` payload `{msg, timestamp}`. A missing timestamp means "now",
 * as in the reference; the text must hold 1 to 500 characters (code points), one of which
 * shows (not only white space, zero-width or bidi marks, as a comment), no lone surrogate and
 * no control character but tab and line breaks.
 */
export function parseChatMessage(payload: unknown, nowSeconds: number): ChatMessageParseResult {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { ok: false, errors: { msg: 'Missing msg.' } };
  }
  const { msg, timestamp } = payload as Record<string, unknown>;
  const errors: Partial<Record<'msg' | 'timestamp', string>> = {};

  if (typeof msg !== 'string' || isBlankText(msg) || [...msg].length > MAX_CHAT_MESSAGE_LENGTH) {
    errors.msg = `msg must be 1 to ${MAX_CHAT_MESSAGE_LENGTH} characters.`;
  } else if (!WHOLE_CHARACTERS.test(msg) || STRAY_CONTROL.test(msg)) {
    // Half an emoji is no UTF-8: the bot got U+FFFD for it, or refused the call. NUL, ESC and the
    // like are no text either (a comment holding one is refused): the bot quoted them back.
    errors.msg = 'msg must be whole characters.';
  }

  let createTime = nowSeconds;
  if (timestamp !== undefined) {
    createTime =
      typeof timestamp === 'number' && Number.isFinite(timestamp)
        ? normalizeTimestamp(timestamp)
        : -1;
    if (createTime < 0 || createTime > MAX_CREATE_TIME) {
      errors.timestamp = 'timestamp must be seconds or milliseconds since the epoch.';
    }
  }

  if (errors.msg !== undefined || errors.timestamp !== undefined || typeof msg !== 'string') {
    return { ok: false, errors };
  }
  return { ok: true, message: { text: msg, createTime } };
}
