import type { followerStatisticsV1 } from '@app/contracts';
import { FOLLOWER_STATISTICS_GRPC, GRPC_LOADER_OPTIONS } from '@app/grpc';
import { loadSync, type MethodDefinition } from '@grpc/proto-loader';
import { Root } from 'protobufjs';

import { followerStatisticsView } from './follower-statistics.view';

type Answer = followerStatisticsV1.GetFollowerStatisticsResponse;

/** GetFollowerStatistics' answer as gRPC writes it in the user service and reads it here. */
const { responseSerialize: write, responseDeserialize: read } = (
  loadSync(FOLLOWER_STATISTICS_GRPC.protoPath, GRPC_LOADER_OPTIONS)[
    `${FOLLOWER_STATISTICS_GRPC.packageName}.${FOLLOWER_STATISTICS_GRPC.serviceName}`
  ] as Record<string, MethodDefinition<unknown, Answer>>
).GetFollowerStatistics;

/** The answer of the release before: 32-bit counts under the same field numbers. */
const int32Fields = (names: string[]) =>
  Object.fromEntries(names.map((name, index) => [name, { type: 'int32', id: index + 1 }]));
const Int32Answer = Root.fromJSON({
  nested: {
    GenderCounts: { fields: int32Fields(['male', 'female']) },
    AgeCounts: { fields: int32Fields(['le18', 'le23', 'le30', 'le40', 'le50', 'gt50']) },
    Answer: {
      fields: { gender: { type: 'GenderCounts', id: 1 }, age: { type: 'AgeCounts', id: 2 } },
    },
  },
}).lookupType('Answer');

/** Past 2^31: followers of one gender or age among an author's fans past 2^31. */
const BIG = 3_000_000_123;

const counts = (first: number) => ({
  gender: { male: first, female: first + 1 },
  age: {
    le18: first + 2,
    le23: first + 3,
    le30: first + 4,
    le40: first + 5,
    le50: first + 6,
    gt50: first + 7,
  },
});
const asSent = ({ gender, age }: ReturnType<typeof counts>): Answer => ({
  gender: { male: String(gender.male), female: String(gender.female) },
  age: Object.fromEntries(
    Object.entries(age).map(([bucket, count]) => [bucket, String(count)]),
  ) as unknown as Answer['age'],
});

describe('followerStatisticsView', () => {
  it('answers counts past 2^31 as the user service sends them, as JSON numbers', () => {
    const view = followerStatisticsView(read(write(asSent(counts(BIG)))));
    expect(view).toEqual(counts(BIG));
    expect(JSON.stringify(view.gender)).toBe(`{"male":${BIG},"female":${BIG + 1}}`);
  });

  it('reads the 32-bit counts of the release before alike, and that release reads these', () => {
    const small = counts(2_147_483_000);
    const old = Int32Answer.encode(Int32Answer.fromObject(small)).finish();
    expect(followerStatisticsView(read(Buffer.from(old)))).toEqual(small);
    expect(Int32Answer.toObject(Int32Answer.decode(write(asSent(small))))).toEqual(small);
  });

  it('answers 0 for counts an answer left out', () => {
    expect(followerStatisticsView({ gender: undefined, age: undefined })).toEqual({
      gender: { male: 0, female: 0 },
      age: { le18: 0, le23: 0, le30: 0, le40: 0, le50: 0, gt50: 0 },
    });
  });
});
