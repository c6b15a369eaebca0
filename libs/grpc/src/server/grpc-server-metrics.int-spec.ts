import { join } from 'node:path';

import { eventually, grpcHealthStatus } from '@app/testing';
import {
  type Client,
  credentials,
  loadPackageDefinition,
  Metadata,
  type sendUnaryData,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceClientConstructor,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Registry } from 'prom-client';

import { GRPC_LOADER_OPTIONS } from '../loader-options';
import { GrpcHealth } from './grpc-health';
import { GrpcServerMetrics } from './grpc-server-metrics';

interface SimilarClient extends Client {
  article_recommend(
    request: { articleId: string; articleNum: number },
    options: { deadline?: number },
    callback: (error: ServiceError | null) => void,
  ): { cancel(): void };
}

const UserRecommend = loadPackageDefinition(
  loadSync(
    join(__dirname, '..', '..', '..', '..', 'proto', 'user_reco.proto'),
    GRPC_LOADER_OPTIONS,
  ),
).UserRecommend as ServiceClientConstructor;

/** Past every deadline the case gives: how long article 3 holds the event loop. */
const HOLD_MS = 300;

/** Told once the handler received a call for article 4, which it never answers. */
let onArticle4: () => void = () => undefined;
/** Given the server's deadline of each call for article 5, which the handler never answers. */
let onArticle5: (deadline: number) => void = () => undefined;
/** Told once the handler answered a call for article 6, with a reply larger than a stream's flow-control window. */
let onArticle6Answered: () => void = () => undefined;
/** Told once the handler answered a call for article 7 as NOT_FOUND. */
let onArticle7Answered: () => void = () => undefined;
/** Some 1 MB: its last bytes wait for the client's window updates, and its status after them. */
const LARGE_REPLY = {
  articleId: Array.from({ length: 100_000 }, (_, index) =>
    String(1_294_287_382_374_400_000 + index),
  ),
};
/** A reply grpc-js cannot serialize (its repeated field is no array): it ends the call INTERNAL itself. */
const UNSERIALIZABLE_REPLY = { articleId: 5 };

/**
 * Answers article 1, refuses article 2 as NOT_FOUND, never answers any other. Article 3 first holds
 * the event loop past its call's deadline: whichever end then notices the deadline first (the
 * server's timer, or the client's cancel, which on a loaded machine can arrive before it), the
 * server's clock is past the deadline when the call ends. Article 5 tells `onArticle5` its deadline.
 * Article 8 is answered a reply grpc-js cannot serialize.
 */
function articleRecommend(
  call: ServerUnaryCall<{ articleId: string }, unknown>,
  done: sendUnaryData<unknown>,
): void {
  if (call.request.articleId === '1') done(null, { articleId: ['7'] });
  else if (call.request.articleId === '2')
    done({ code: status.NOT_FOUND, details: 'no such article', metadata: new Metadata() });
  else if (call.request.articleId === '3') {
    const until = Date.now() + HOLD_MS;
    while (Date.now() < until);
  } else if (call.request.articleId === '4') onArticle4();
  else if (call.request.articleId === '5') onArticle5(Number(call.getDeadline()));
  else if (call.request.articleId === '6') {
    done(null, LARGE_REPLY);
    onArticle6Answered();
  } else if (call.request.articleId === '7') {
    done({ code: status.NOT_FOUND, details: 'no such article', metadata: new Metadata() });
    onArticle7Answered();
  } else if (call.request.articleId === '8') done(null, UNSERIALIZABLE_REPLY);
}

/** The count of the histogram series with these labels in a scrape, 0 where it has none. */
function count(scrape: string, name: string, method: string, code: string): number {
  const line = scrape
    .split('\n')
    .find(
      (entry) =>
        entry.startsWith(`${name}{`) &&
        entry.includes(`grpc_method="${method}"`) &&
        entry.includes(`grpc_code="${code}"`),
    );
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** The counts of the histogram series of article_recommend with these codes, 0 where it has none. */
async function histogramCounts(registry: Registry, codes: string[]): Promise<number[]> {
  const scrape = await registry.metrics();
  return codes.map((code) =>
    count(scrape, 'grpc_server_handling_seconds_count', 'article_recommend', code),
  );
}

const total = (counts: number[]): number => counts.reduce((sum, one) => sum + one, 0);

/** Waits until `calls` more calls than in `before` are recorded, and resolves to the counts then. */
const recorded = (
  probe: () => Promise<number[]>,
  before: number[],
  calls: number,
): Promise<number[]> =>
  eventually(
    probe,
    (now) => total(now) >= total(before) + calls,
    `${calls} more calls recorded`,
    10_000,
    20,
  );

describe('GrpcServerMetrics on a plain grpc-js server', () => {
  const registry = new Registry();
  const metrics = new GrpcServerMetrics(registry);
  const server = new Server({ interceptors: [metrics.interceptor] });
  let address: string;
  let client: SimilarClient;

  const call = (articleId: string, deadlineMs = 5000): Promise<status> =>
    new Promise((resolve) => {
      client.article_recommend(
        { articleId, articleNum: 1 },
        { deadline: Date.now() + deadlineMs },
        (error) => resolve(error?.code ?? status.OK),
      );
    });

  beforeAll(async () => {
    const health = new GrpcHealth(['UserRecommend']);
    health.addToServer(server);
    health.setServing(true);
    server.addService(UserRecommend.service, {
      article_recommend: articleRecommend,
      user_recommend: articleRecommend,
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    address = `127.0.0.1:${port}`;
    client = new UserRecommend(address, credentials.createInsecure()) as unknown as SimilarClient;
  });

  afterAll(() => {
    client?.close();
    server.forceShutdown();
  });

  it('records each call once by its status, a call past its deadline or cancelled by the client included, and no health check', async () => {
    expect(await call('1')).toBe(status.OK);
    expect(await call('2')).toBe(status.NOT_FOUND);
    expect(await call('3', 100)).toBe(status.DEADLINE_EXCEEDED);
    const received = new Promise<void>((resolve) => (onArticle4 = resolve));
    const cancelled = client.article_recommend(
      { articleId: '4', articleNum: 1 },
      {},
      () => undefined,
    );
    await received;
    cancelled.cancel();
    expect(await grpcHealthStatus(address, 'UserRecommend')).toBe('SERVING');
    const codes = ['OK', 'NOT_FOUND', 'DEADLINE_EXCEEDED', 'CANCELLED'];
    await recorded(() => histogramCounts(registry, codes), [0, 0, 0, 0], 4);

    const scrape = await registry.metrics();
    const histogram = 'grpc_server_handling_seconds_count';
    expect(
      ['OK', 'NOT_FOUND', 'DEADLINE_EXCEEDED', 'CANCELLED'].map((code) =>
        count(scrape, histogram, 'article_recommend', code),
      ),
    ).toEqual([1, 1, 1, 1]);
    expect(count(scrape, 'grpc_server_handled_total', 'article_recommend', 'NOT_FOUND')).toBe(1);
    expect(scrape).toContain(
      'grpc_type="unary",grpc_service="UserRecommend",grpc_method="article_recommend",grpc_code="OK"',
    );
    expect(scrape).not.toContain('grpc.health.v1');
  });

  it("records DEADLINE_EXCEEDED for a call the client cancels within the ms rounding before the server's deadline, CANCELLED for one cancelled well before it", async () => {
    const counts = () => histogramCounts(registry, ['DEADLINE_EXCEEDED', 'CANCELLED']);
    const before = await counts();
    const [deadlineExceeded, cancelled] = before;

    // The server's deadline counts the grpc-timeout, rounded up to the ms, from the ms it read the
    // headers in, and the client's timer runs on libuv's ms clock: a client's cancel at its own
    // deadline can reach the server up to 3 ms before the server's. The handler holds the event loop
    // until then, so that no timer of either end fires first.
    onArticle5 = (deadline) => {
      while (Date.now() < deadline - 3);
      late.cancel();
    };
    const late = client.article_recommend(
      { articleId: '5', articleNum: 1 },
      { deadline: Date.now() + 100 },
      () => undefined,
    );
    expect(await recorded(counts, before, 1)).toEqual([deadlineExceeded + 1, cancelled]);

    const received = new Promise<void>((resolve) => (onArticle5 = () => resolve()));
    const early = client.article_recommend(
      { articleId: '5', articleNum: 1 },
      { deadline: Date.now() + 5000 },
      () => undefined,
    );
    await received;
    early.cancel();
    expect(await recorded(counts, before, 2)).toEqual([deadlineExceeded + 1, cancelled + 1]);
  });

  it('records the status the server answered for a call the client cancels once the handler answered, its reply or status still on its way', async () => {
    const counts = () => histogramCounts(registry, ['OK', 'NOT_FOUND', 'CANCELLED']);
    const before = await counts();
    const ended = (articleId: string, answered: (cancel: () => void) => void): Promise<status> =>
      new Promise((resolve) => {
        const pending = client.article_recommend({ articleId, articleNum: 1 }, {}, (error) =>
          resolve(error?.code ?? status.OK),
        );
        answered(() => pending.cancel());
      });

    const large = ended('6', (cancel) => (onArticle6Answered = cancel));
    const refused = ended('7', (cancel) => (onArticle7Answered = cancel));
    // Whether the client read the answer before its own cancel depends on what reached it first.
    expect([status.OK, status.CANCELLED]).toContain(await large);
    expect([status.NOT_FOUND, status.CANCELLED]).toContain(await refused);
    expect(await recorded(counts, before, 2)).toEqual([before[0] + 1, before[1] + 1, before[2]]);
  });

  it('records a reply grpc-js refuses to send (one it cannot serialize) as CANCELLED, as a message grpc-js refused, never as the OK the handler meant', async () => {
    const counts = () => histogramCounts(registry, ['OK', 'CANCELLED']);
    const before = await counts();

    expect(await call('8')).toBe(status.INTERNAL);
    expect(await recorded(counts, before, 1)).toEqual([before[0], before[1] + 1]);
  });
});
