import type { channelV1 } from '@app/contracts';
import { AppError, INT32_MAX } from '@app/grpc';

const INTEGER_TEXT = /^[+-]?\d{1,10}$/;
/** What the reference's `int(min=1)` route took: a positive integer of any length. */
const POSITIVE_INTEGER = /^[1-9]\d*$/;

const required = () => AppError.invalid('Channels param is required.');
const invalidChannels = () => AppError.invalid('Invalid channels param.');
const invalidSequence = () => AppError.invalid('Invalid channel sequence param.');
const invalidChannelId = () => AppError.invalid('Invalid channel id.');

/** An integer given as a JSON number or as digits (as the original's `int()` accepted). */
function toInteger(value: unknown): number | undefined {
  const number = typeof value === 'string' && INTEGER_TEXT.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) ? number : undefined;
}

function toId(value: unknown): number | undefined {
  const id = toInteger(value);
  return id !== undefined && id >= 0 && id <= INT32_MAX ? id : undefined;
}

function toSequence(value: unknown): number | undefined {
  const seq = toInteger(value);
  return seq !== undefined && seq > 0 && seq <= INT32_MAX ? seq : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function channelList(value: unknown): unknown[] {
  if (value === undefined || value === null) throw required();
  if (!Array.isArray(value)) throw invalidChannels();
  if (value.length === 0) throw required();
  return value;
}

/**
 * `channels` of POST/PUT/PATCH as `{id, seq}` pairs (other item fields are dropped). Whether the
 * ids are real channels, and repeats, are for the news service to judge.
 */
export function parseChannelPositions(value: unknown): channelV1.UserChannel[] {
  return channelList(value).map((item) => {
    if (!isRecord(item)) throw invalidChannels();
    const id = toId(item.id);
    if (id === undefined) throw invalidChannels();
    const seq = toSequence(item.seq);
    if (seq === undefined) throw invalidSequence();
    return { id, seq };
  });
}

/** `channels` of DELETE `/user/channels`: a list of channel ids. */
export function parseChannelIds(value: unknown): number[] {
  return channelList(value).map((item) => {
    const id = toId(item);
    if (id === undefined || id === 0) throw invalidChannels();
    return id;
  });
}

/** `{seq}` of PUT `/user/channels/{id}`. */
export function parseSequence(value: unknown): number {
  const seq = toSequence(value);
  if (seq === undefined) throw invalidSequence();
  return seq;
}

/** The `{id}` path parameter of PUT `/user/channels/{id}`. */
export function parseChannelIdParam(value: string): number {
  const id = /^\d{1,10}$/.test(value) ? toId(value) : undefined;
  if (id === undefined || id === 0) throw invalidChannelId();
  return id;
}

/**
 * The `{id}` path parameter of DELETE `/user/channels/{id}`: 404 for a value that route did not
 * take; undefined for an integer past the channel ids (int32), a channel no user has, so nothing
 * is deleted.
 */
export function parseRemovedChannelId(value: string): number | undefined {
  if (!POSITIVE_INTEGER.test(value)) throw AppError.notFound('The channel does not exist.');
  return toId(value);
}
