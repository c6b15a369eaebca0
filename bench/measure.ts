import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type Redis from 'ioredis';
import type { Connection } from 'mysql2/promise';

import type { LoadPlan, LoadResult } from './load-plan';
import { cpuMicros, ROOT, rssMiB } from './processes';

/** One server process whose CPU and memory a measurement reports. */
export interface Server {
  name: string;
  pid: number;
}

export interface Measurement extends LoadResult {
  cpuMicrosPerRequest: number;
  cpuByServer: Record<string, number>;
  /** CPU of the bench's Redis per request (it shares the servers' core); not in cpuMicrosPerRequest. */
  redisCpuMicrosPerRequest: number;
  rssMiB: Record<string, number>;
  redisCommands: number;
  /** Redis time per request by command (µs, from INFO commandstats), the costliest first. */
  redisUsecByCommand: Record<string, number>;
  sqlStatements: number;
  /** Wall time between the counters' reads: the load's seconds plus the load generator's start. */
  windowSeconds: number;
  /** Feed answers that fell back to the latest articles (feed rows only). */
  fallbacks?: number;
  /** The same by the gateway's reason label (timeout, unavailable, error). */
  fallbacksByReason?: Record<string, number>;
  /** The gateway's user_recommend calls per request (feed rows only). */
  recommendCallsPerRequest?: number;
}

interface Snapshot {
  cpu: Record<string, number>;
  redisCpu: number;
  redisStats: Map<string, { calls: number; usec: number }>;
  questions: number;
}

/** INFO commandstats of the bench Redis: calls and µs per command (scripts' inner commands included). */
async function redisCommandStats(
  redis: Redis,
): Promise<Map<string, { calls: number; usec: number }>> {
  const info = await redis.info('commandstats');
  const stats = new Map<string, { calls: number; usec: number }>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm))
    stats.set(match[1], { calls: Number(match[2]), usec: Number(match[3]) });
  return stats;
}

async function questions(mysql: Connection): Promise<number> {
  const [rows] = await mysql.query("SHOW GLOBAL STATUS LIKE 'Questions'");
  return Number((rows as Array<{ Value: string }>)[0].Value);
}

async function snapshot(
  servers: Server[],
  redis: BenchRedis,
  mysql: Connection,
): Promise<Snapshot> {
  const cpu: Record<string, number> = {};
  for (const server of servers) cpu[server.name] = cpuMicros(server.pid);
  return {
    cpu,
    redisCpu: cpuMicros(redis.pid),
    redisStats: await redisCommandStats(redis.client),
    questions: await questions(mysql),
  };
}

function runLoad(plan: LoadPlan, loadCpus: string | undefined): Promise<LoadResult> {
  const file = join(tmpdir(), `tt-bench-plan-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(plan));
  const args = ['-r', './scripts/register-aliases.js', 'dist/bench/load-worker.js', file];
  const [command, argv] = loadCpus
    ? ['taskset', ['-c', loadCpus, process.execPath, ...args]]
    : [process.execPath, args];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop();
      if (code === 0 && line) resolve(JSON.parse(line) as LoadResult);
      else reject(new Error(`load worker failed (${code}): ${err}`));
    });
  });
}

/** The bench's own Redis server: a client to read its counters, and its process. */
export interface BenchRedis {
  client: Redis;
  pid: number;
}

/**
 * Runs one load and reports it with the server-side costs measured around it. The Redis and
 * SQL counts are net of the commands the snapshots themselves issue (one INFO, one SHOW STATUS).
 */
export async function measure(
  plan: LoadPlan,
  servers: Server[],
  redis: BenchRedis,
  mysql: Connection,
  loadCpus: string | undefined,
): Promise<Measurement> {
  const before = await snapshot(servers, redis, mysql);
  const started = process.hrtime.bigint();
  const result = await runLoad(plan, loadCpus);
  const windowSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const after = await snapshot(servers, redis, mysql);
  const cpuByServer: Record<string, number> = {};
  const rss: Record<string, number> = {};
  let cpuTotal = 0;
  for (const server of servers) {
    cpuByServer[server.name] = after.cpu[server.name] - before.cpu[server.name];
    cpuTotal += cpuByServer[server.name];
    rss[server.name] = rssMiB(server.pid);
  }
  const requests = Math.max(1, result.requests);
  for (const name of Object.keys(cpuByServer))
    cpuByServer[name] = Math.round(cpuByServer[name] / requests);
  return {
    ...result,
    cpuMicrosPerRequest: cpuTotal / requests,
    cpuByServer,
    redisCpuMicrosPerRequest: (after.redisCpu - before.redisCpu) / requests,
    rssMiB: rss,
    redisCommands: Math.max(0, totalCalls(after.redisStats) - totalCalls(before.redisStats) - 1),
    redisUsecByCommand: usecByCommand(before.redisStats, after.redisStats, requests),
    sqlStatements: Math.max(0, after.questions - before.questions - 1),
    windowSeconds,
  };
}

function totalCalls(stats: Map<string, { calls: number }>): number {
  let total = 0;
  for (const { calls } of stats.values()) total += calls;
  return total;
}

function usecByCommand(
  before: Map<string, { usec: number }>,
  after: Map<string, { usec: number }>,
  requests: number,
): Record<string, number> {
  const perRequest = [...after].map(([name, { usec }]): [string, number] => [
    name,
    (usec - (before.get(name)?.usec ?? 0)) / requests,
  ]);
  return Object.fromEntries(
    perRequest.filter(([, usec]) => usec >= 0.05).sort((a, b) => b[1] - a[1]),
  );
}
