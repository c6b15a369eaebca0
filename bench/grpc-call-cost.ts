// `npm run bench:grpc-call [-- --rounds 3 --calls 30000]`: client CPU of one grpc-js unary call with
// Node's own AsyncResource#bind and with useLeanAsyncResourceBind, in the same run, interleaved.
// The server runs on the last CPU and the clients on CPU 0 when taskset exists.
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { useLeanAsyncResourceBind } from '@app/config';
import { GRPC_LOADER_OPTIONS } from '@app/grpc';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

import { interleavedMedians } from './interleaved';
import { hasTaskset, ROOT } from './processes';

const IN_FLIGHT = 32;
const WARM_CALLS = 5_000;

type Variant = 'stock' | 'lean';

interface RelatedClient extends grpc.Client {
  article_recommend(request: object, callback: (error: grpc.ServiceError | null) => void): void;
}

function userRecommendService(): grpc.ServiceClientConstructor {
  const definition = loadSync(join(ROOT, 'proto', 'user_reco.proto'), GRPC_LOADER_OPTIONS);
  return grpc.loadPackageDefinition(definition).UserRecommend as grpc.ServiceClientConstructor;
}

function serve(): void {
  const server = new grpc.Server();
  server.addService(userRecommendService().service, {
    article_recommend: (_call: unknown, done: grpc.sendUnaryData<{ articleId: string[] }>) =>
      done(null, { articleId: ['1', '2', '3'] }),
  });
  server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
    if (error) throw error;
    console.log(port);
  });
}

async function measure(port: number, variant: Variant, calls: number): Promise<void> {
  if (variant === 'lean') useLeanAsyncResourceBind();
  const Service = userRecommendService() as unknown as new (
    address: string,
    credentials: grpc.ChannelCredentials,
  ) => RelatedClient;
  const client = new Service(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = (): Promise<void> =>
    new Promise((resolve, reject) => {
      client.article_recommend({ articleId: '1', articleNum: 10 }, (error) =>
        error ? reject(error) : resolve(),
      );
    });
  const run = async (total: number): Promise<void> => {
    let started = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (started++ < total) await call();
      }),
    );
  };
  await run(WARM_CALLS);
  const before = process.cpuUsage();
  await run(calls);
  const used = process.cpuUsage(before);
  console.log(JSON.stringify({ microsPerCall: (used.user + used.system) / calls }));
  client.close();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '3' },
      calls: { type: 'string', default: '30000' },
    },
  });
  const rounds = Number(values.rounds);
  const calls = Number(values.calls);
  const pinned = hasTaskset();
  const lastCpu = String(Math.max(0, (await import('node:os')).cpus().length - 1));
  const node = (cpu: string, args: string[]): [string, string[]] =>
    pinned ? ['taskset', ['-c', cpu, process.execPath, ...args]] : [process.execPath, args];
  const script = ['-r', './scripts/register-aliases.js', __filename];

  const [serverCommand, serverArgs] = node(lastCpu, [...script, 'serve']);
  const server = spawn(serverCommand, serverArgs, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve) =>
    server.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString()))),
  );
  try {
    const { stock, lean } = await interleavedMedians(
      rounds,
      ['stock', 'lean'] as const,
      (variant) => {
        const [command, args] = node('0', [
          ...script,
          'measure',
          String(port),
          variant,
          String(calls),
        ]);
        const { microsPerCall } = JSON.parse(
          execFileSync(command, args, { cwd: ROOT, encoding: 'utf8' }),
        ) as { microsPerCall: number };
        return microsPerCall;
      },
      (micros) => `${micros.toFixed(1)} µs of client CPU per call`,
    );
    console.log(
      `median of ${rounds} rounds × ${calls} calls, ${IN_FLIGHT} in flight: stock ${stock.toFixed(1)} µs, lean ${lean.toFixed(1)} µs, lean ÷ stock ${(lean / stock).toFixed(2)}`,
    );
  } finally {
    server.kill();
  }
}

const [mode, port, variant, calls] = process.argv.slice(2);
if (mode === 'serve') serve();
else if (mode === 'measure') {
  if (variant !== 'stock' && variant !== 'lean') throw new Error(`unknown variant ${variant}`);
  void measure(Number(port), variant, Number(calls));
} else void main();
