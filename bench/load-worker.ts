// The load generator, run in its own process (pinned to another core than the servers when taskset exists).
// Usage: node dist/bench/load-worker.js <plan.json>; prints one LoadResult JSON line.
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import autocannon, { type AutocannonRequest } from 'autocannon';

import type { GrpcPlan, HttpPlan, LoadPlan, LoadResult } from './load-plan';
import {
  autocannonLoadResult,
  loadResultOf,
  noAnswersYet,
  recordAutocannonLatencies,
} from './load-result';
import { seededRandom } from './prng';

/** The plan's GETs one after another: a path (by `plan.order`, `{ts}` filled in) and a header set. */
function getPicker(
  plan: HttpPlan,
  pick: <T>(list: T[]) => T,
): () => { path: string; headers: Record<string, string> } {
  let next = 0;
  return () => {
    const template =
      plan.order === 'sequential' ? plan.paths[next++ % plan.paths.length] : pick(plan.paths);
    return {
      path: template.replace('{ts}', String(Date.now())),
      headers: { ...(plan.headerSets.length > 0 ? pick(plan.headerSets) : {}) },
    };
  };
}

function seededPick(seed: number): <T>(list: T[]) => T {
  const random = seededRandom(seed);
  return (list) => list[Math.floor(random() * list.length)];
}

function httpRequests(plan: HttpPlan): AutocannonRequest[] {
  const pick = seededPick(plan.seed);
  if (plan.mode === 'like-unlike') {
    let nextUser = 0;
    const userOf = (context: Record<string, unknown>): Record<string, string> => {
      if (context.user === undefined) context.user = nextUser++ % plan.headerSets.length;
      return plan.headerSets[context.user as number];
    };
    return [
      {
        method: 'POST',
        setupRequest: (request, context) => {
          context.target = pick(plan.paths);
          const body = JSON.stringify({ target: context.target });
          return {
            ...request,
            path: '/app/v1_0/article/likings',
            headers: { ...userOf(context), 'content-type': 'application/json' },
            body,
          };
        },
      },
      {
        method: 'DELETE',
        setupRequest: (request, context) => ({
          ...request,
          path: `/app/v1_0/article/likings/${String(context.target)}`,
          headers: userOf(context),
        }),
      },
    ];
  }
  const nextGet = getPicker(plan, pick);
  return [{ method: 'GET', setupRequest: (request) => ({ ...request, ...nextGet() }) }];
}

async function runHttp(plan: HttpPlan): Promise<LoadResult> {
  const started = process.hrtime.bigint();
  let lastAnswer = started;
  const run = autocannon({
    url: plan.url,
    connections: plan.connections,
    duration: plan.duration,
    amount: plan.amount,
    timeout: 10,
    requests: httpRequests(plan),
  });
  const latencies = recordAutocannonLatencies(run);
  if (plan.amount !== undefined) run.on('response', () => (lastAnswer = process.hrtime.bigint()));
  const result = await run;
  // autocannon ends a run of a fixed amount at its next one-second tick: time it to its last answer.
  const seconds = plan.amount === undefined ? result.duration : Number(lastAnswer - started) / 1e9;
  return autocannonLoadResult(result, seconds, latencies);
}

/** `plan.rate` requests a second at evenly spaced instants (see HttpPlan.rate); GETs only. */
async function runPacedHttp(plan: HttpPlan, rate: number): Promise<LoadResult> {
  const nextGet = getPicker(plan, seededPick(plan.seed));
  const agent = new Agent({ keepAlive: true, maxSockets: plan.connections });
  const { hostname, port } = new URL(plan.url);
  const answers = noAnswersYet();
  const send = (): Promise<void> =>
    new Promise((resolve) => {
      const { path, headers } = nextGet();
      const begin = process.hrtime.bigint();
      const request = httpRequest(
        { hostname, port, path, headers, agent, timeout: 10_000 },
        (response) => {
          response.resume();
          response.on('end', () => {
            answers.latencies.record(Number(process.hrtime.bigint() - begin) / 1e6);
            const status = response.statusCode ?? 0;
            answers.statusCodes[status] = (answers.statusCodes[status] ?? 0) + 1;
            if (status < 200 || status >= 300) answers.non2xx++;
            resolve();
          });
        },
      );
      request.on('timeout', () => request.destroy(new Error('timeout')));
      request.on('error', () => {
        answers.errors++;
        resolve();
      });
      request.end();
    });
  const started = process.hrtime.bigint();
  const sent: Array<Promise<void>> = [];
  for (let index = 0; index < Math.round(rate * plan.duration); index++) {
    const dueInMs = (index / rate) * 1000 - Number(process.hrtime.bigint() - started) / 1e6;
    if (dueInMs > 0) await sleep(dueInMs);
    sent.push(send());
  }
  await Promise.all(sent);
  agent.destroy();
  return loadResultOf(answers, Number(process.hrtime.bigint() - started) / 1e9);
}

interface RecommendClient extends grpc.Client {
  user_recommend(
    request: object,
    options: grpc.CallOptions,
    callback: (error: grpc.ServiceError | null) => void,
  ): void;
}

async function runGrpc(plan: GrpcPlan): Promise<LoadResult> {
  const definition = grpc.loadPackageDefinition(
    loadSync(plan.protoPath, { keepCase: true, longs: String, defaults: true }),
  );
  const Service = definition.UserRecommend as unknown as new (
    address: string,
    credentials: grpc.ChannelCredentials,
  ) => RecommendClient;
  const client = new Service(plan.address, grpc.credentials.createInsecure());
  const random = seededRandom(plan.seed);
  const answers = noAnswersYet();
  const started = process.hrtime.bigint();
  const deadline = Date.now() + plan.duration * 1000;
  const call = (): Promise<void> =>
    new Promise((resolve) => {
      const request = {
        user_id: plan.userIds[Math.floor(random() * plan.userIds.length)],
        channel_id: 1 + Math.floor(random() * plan.channels),
        article_num: 10,
        time_stamp: String(Date.now()),
      };
      const begin = process.hrtime.bigint();
      client.user_recommend(request, { deadline: Date.now() + 5000 }, (error) => {
        // A failed call is an error (the table has no non-2xx for gRPC), so it has no latency, as an HTTP request without an answer.
        if (error) answers.errors++;
        else answers.latencies.record(Number(process.hrtime.bigint() - begin) / 1e6);
        const code = error ? grpc.status[error.code] : 'OK';
        answers.statusCodes[code] = (answers.statusCodes[code] ?? 0) + 1;
        resolve();
      });
    });
  await Promise.all(
    Array.from({ length: plan.connections }, async () => {
      while (Date.now() < deadline) await call();
    }),
  );
  client.close();
  return loadResultOf(answers, Number(process.hrtime.bigint() - started) / 1e9);
}

async function main(): Promise<void> {
  const plan = JSON.parse(readFileSync(process.argv[2], 'utf8')) as LoadPlan;
  const result =
    plan.kind === 'grpc'
      ? await runGrpc(plan)
      : plan.rate !== undefined
        ? await runPacedHttp(plan, plan.rate)
        : await runHttp(plan);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
