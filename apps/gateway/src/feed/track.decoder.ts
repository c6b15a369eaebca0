import { Reader } from 'protobufjs/minimal';

/** What the feed reads of a `Track` (user_reco.proto): the exposure, the article ids, the cursor. */
export interface TrackIds {
  exposure: string;
  /** `recommends[].article_id` as decimal strings, in order. */
  articleIds: string[];
  /** `time_stamp` as a decimal string. */
  timeStamp: string;
}

const VARINT = 0;
const LENGTH_DELIMITED = 2;

/**
 * Decodes a `Track` without its per-article tracking strings (`params`), which the gateway never
 * hands on, and reads int64 values straight to decimal strings. Unknown fields are skipped as
 * protobuf requires; a field of an unexpected wire type is skipped too.
 */
export function decodeTrackIds(buffer: Uint8Array): TrackIds {
  const reader = Reader.create(buffer);
  const track: TrackIds = { exposure: '', articleIds: [], timeStamp: '0' };
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (field === 1 && wireType === LENGTH_DELIMITED) track.exposure = reader.string();
    else if (field === 2 && wireType === LENGTH_DELIMITED)
      track.articleIds.push(articleIdOf(reader));
    else if (field === 3 && wireType === VARINT) track.timeStamp = int64String(reader);
    else reader.skipType(wireType);
  }
  return track;
}

/** `param1.article_id` of one embedded `param1`; its `params` are skipped. */
function articleIdOf(reader: Reader): string {
  const end = reader.uint32() + reader.pos;
  let articleId = '0';
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === VARINT) articleId = int64String(reader);
    else reader.skipType(tag & 7);
  }
  return articleId;
}

function int64String(reader: Reader): string {
  const value = reader.int64();
  // A Long (high and low 32 bits): joined as a BigInt, which prints natively.
  return ((BigInt(value.high) << 32n) | BigInt(value.low >>> 0)).toString();
}
