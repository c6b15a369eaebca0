import type { userReco } from '@app/contracts';
import { GRPC_LOADER_OPTIONS, protoFile } from '@app/grpc';
import {
  loadPackageDefinition,
  Server,
  ServerCredentials,
  type ServiceClientConstructor,
  type ServerUnaryCall,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/** What the fake answers to `article_recommend`: ids, or `hang` (never answers), or `fail`. */
export type RecommendBehaviour = { ids: string[] } | 'hang' | 'fail';

export interface FakeRecommend {
  behaviour: RecommendBehaviour;
  requests: userReco.Article[];
  stop(): void;
}

/** A `UserRecommend` server (the original user_reco.proto) on the given port. */
export async function startFakeRecommend(port: number): Promise<FakeRecommend> {
  const definition = loadPackageDefinition(
    loadSync(protoFile('user_reco.proto'), GRPC_LOADER_OPTIONS),
  );
  const server = new Server();
  const fake: FakeRecommend = {
    behaviour: { ids: [] },
    requests: [],
    stop: () => server.forceShutdown(),
  };
  server.addService((definition.UserRecommend as ServiceClientConstructor).service, {
    article_recommend: (
      call: ServerUnaryCall<userReco.Article, userReco.Similar>,
      callback: sendUnaryData<userReco.Similar>,
    ) => {
      fake.requests.push(call.request);
      const behaviour = fake.behaviour;
      if (behaviour === 'hang') return;
      if (behaviour === 'fail') callback(new Error('recommend exploded'));
      else callback(null, { articleId: behaviour.ids });
    },
    user_recommend: (_call: unknown, callback: sendUnaryData<userReco.Track>) =>
      callback(null, { exposure: '', recommends: [], timeStamp: '0' }),
  });
  await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return fake;
}
