import { GRPC_LOADER_OPTIONS, protoFile } from '@app/grpc';
import type { MethodDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Writer } from 'protobufjs/minimal';

import { decodeTrackIds } from './track.decoder';

interface TrackMessage {
  exposure: string;
  recommends: Array<{
    articleId: string;
    params?: { click: string; collect: string; share: string; read: string };
  }>;
  timeStamp: string;
}

const definition = loadSync(protoFile('user_reco.proto'), GRPC_LOADER_OPTIONS);
const userRecommend = (
  definition.UserRecommend as Record<string, MethodDefinition<unknown, TrackMessage>>
).user_recommend;
const encode = (track: TrackMessage): Buffer => userRecommend.responseSerialize(track);

const params = (id: string) => ({
  click: `{"action":"click","articleId":"${id}"}`,
  collect: 'c',
  share: 's',
  read: '读',
});

describe('decodeTrackIds', () => {
  it('reads what the proto encodes: exposure, int64 ids beyond 2^53 and the cursor, skipping params', () => {
    const ids = ['1294287382374383616', '9223372036854775807', '1', '1300000000000000001'];
    const track = {
      exposure: '{"action":"exposure","articleId":"[1,2]"} 曝光',
      recommends: ids.map((articleId) => ({ articleId, params: params(articleId) })),
      timeStamp: '1741000000123',
    };
    expect(decodeTrackIds(encode(track))).toEqual({
      exposure: track.exposure,
      articleIds: ids,
      timeStamp: '1741000000123',
    });
    expect(
      decodeTrackIds(encode({ ...track, recommends: ids.map((articleId) => ({ articleId })) })),
    ).toEqual(decodeTrackIds(encode(track)));
  });

  it('gives the proto3 defaults for an empty message and keeps negative int64 values exact', () => {
    expect(decodeTrackIds(encode({ exposure: '', recommends: [], timeStamp: '0' }))).toEqual({
      exposure: '',
      articleIds: [],
      timeStamp: '0',
    });
    expect(
      decodeTrackIds(encode({ exposure: '', recommends: [], timeStamp: '-5' })).timeStamp,
    ).toBe('-5');
  });

  it('skips unknown fields and fields of an unexpected wire type', () => {
    const writer = Writer.create();
    writer.uint32((9 << 3) | 0).uint64(77); // unknown varint field
    writer.uint32((1 << 3) | 2).string('exp');
    writer.uint32((3 << 3) | 2).string('not a varint'); // time_stamp with the wrong wire type
    writer
      .uint32((2 << 3) | 2)
      .fork()
      .uint32((1 << 3) | 0)
      .int64('42')
      .uint32((7 << 3) | 2)
      .string('x')
      .ldelim();
    writer.uint32((10 << 3) | 5).fixed32(1); // unknown 32-bit field
    expect(decodeTrackIds(writer.finish())).toEqual({
      exposure: 'exp',
      articleIds: ['42'],
      timeStamp: '0',
    });
  });

  it('throws on a truncated message instead of inventing values', () => {
    const bytes = encode({ exposure: 'abc', recommends: [{ articleId: '5' }], timeStamp: '9' });
    expect(() => decodeTrackIds(bytes.subarray(0, bytes.length - 1))).toThrow();
  });
});
