#!/usr/bin/env node
// `npm run dev`: builds, migrates, loads demo data and runs all eight apps against local MariaDB
// and Redis, waits until every one is healthy, prints where they listen, and stops them on Ctrl-C.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const net = require('node:net');
const { URL } = require('node:url');

const { appNodeFlags } = require('./node-flags');
const { join } = require('node:path');
const { grpcHealth } = require('./grpc-health');

const root = join(__dirname, '..');
const READY_TIMEOUT_MS = 120_000;

const env = {
  NODE_ENV: 'development',
  SMS_TEST_CODE: '246810',
  // The demo author's articles are approved at once, as the reference's user 1's were: there is
  // no admin back office to review them yet.
  AUTO_APPROVE_AUTHORS: '1294287382374383616',
  JWT_KEYS_DIR: join(root, '.keys'),
  JWT_SIGNING_KID: 'dev-1',
  LOG_LEVEL: 'info',
  ...process.env,
};
const port = (name, fallback) => Number(env[name] ?? fallback);

const allApps = [
  {
    name: 'user',
    check: () => grpcHealth(`127.0.0.1:${port('USER_GRPC_PORT', 50051)}`),
    url: `grpc://127.0.0.1:${port('USER_GRPC_PORT', 50051)}`,
    metricsPort: port('USER_METRICS_PORT', 9101),
  },
  {
    name: 'news',
    check: () => grpcHealth(`127.0.0.1:${port('NEWS_GRPC_PORT', 50052)}`),
    url: `grpc://127.0.0.1:${port('NEWS_GRPC_PORT', 50052)}`,
    metricsPort: port('NEWS_METRICS_PORT', 9102),
  },
  {
    name: 'recommend',
    check: () => grpcHealth(`127.0.0.1:${port('RECOMMEND_GRPC_PORT', 9999)}`),
    url: `grpc://127.0.0.1:${port('RECOMMEND_GRPC_PORT', 9999)}`,
    metricsPort: port('RECOMMEND_METRICS_PORT', 9103),
  },
  {
    name: 'gateway',
    check: () => httpReady(port('GATEWAY_PORT', 8000)),
    url: `http://127.0.0.1:${port('GATEWAY_PORT', 8000)}/app/v1_0`,
  },
  {
    name: 'media-platform',
    check: () => httpReady(port('MP_PORT', 8002)),
    url: `http://127.0.0.1:${port('MP_PORT', 8002)}/mp/v1_0`,
  },
  {
    name: 'mis',
    check: () => httpReady(port('MIS_PORT', 8003)),
    url: `http://127.0.0.1:${port('MIS_PORT', 8003)}/mis/v1_0`,
  },
  {
    name: 'im',
    check: () => httpReady(port('IM_PORT', 8001)),
    url: `ws://127.0.0.1:${port('IM_PORT', 8001)}/socket.io`,
  },
  {
    name: 'worker',
    check: () => httpReady(port('WORKER_PORT', 8004)),
    url: `http://127.0.0.1:${port('WORKER_PORT', 8004)}/health/ready`,
  },
];

// DEV_APPS=gateway,user,news runs a subset.
const wanted = env.DEV_APPS
  ? env.DEV_APPS.split(',')
      .map((name) => name.trim())
      .filter(Boolean)
  : allApps.map((app) => app.name);
const unknown = wanted.filter((name) => !allApps.some((app) => app.name === name));
if (unknown.length > 0 || wanted.length === 0) {
  console.error(
    `DEV_APPS: unknown app ${unknown.join(', ') || '(none given)'}; the apps are ${allApps.map((app) => app.name).join(', ')}`,
  );
  process.exit(1);
}
const apps = allApps.filter((app) => wanted.includes(app.name));

/** The port an app listens on, read from its URL. */
const portOf = (app) => Number(new URL(app.url).port);
/** Every port an app listens on: its own, and a gRPC service's /metrics (0 serves none). */
const portsOf = (app) => [portOf(app), app.metricsPort].filter((p) => p > 0);

/** Resolves with the port's error code when something already listens there (an earlier run's app, say). */
function portTaken(p) {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', (error) => resolve(error.code));
    probe.listen(p, '0.0.0.0', () => probe.close(() => resolve(undefined)));
  });
}

async function httpReady(p) {
  try {
    const response = await fetch(`http://127.0.0.1:${p}/health/ready`, {
      signal: AbortSignal.timeout(1000),
    });
    return response.status === 200 ? 'SERVING' : `HTTP ${response.status}`;
  } catch (error) {
    return `error: ${error.cause?.code ?? error.message}`;
  }
}

function step(title, command, args) {
  console.log(`\n> ${title}`);
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(
      `${title} failed (exit ${result.status}). Are MariaDB (127.0.0.1:3306) and Redis (127.0.0.1:6379) running?`,
    );
    process.exit(result.status ?? 1);
  }
}

const node = (script) => ['-r', './scripts/register-aliases.js', script];

async function main() {
  // An app still listening from an earlier run (its runner killed) would answer the health checks below.
  for (const app of apps) {
    for (const p of portsOf(app)) {
      const taken = await portTaken(p);
      if (!taken) continue;
      console.error(
        `${app.name}: port ${p} is taken (${taken}). Is an earlier \`npm run dev\` still running? Stop it, e.g. pkill -f 'dist/apps/'`,
      );
      process.exit(1);
    }
  }
  start();
}

/** Builds, migrates, loads the demo data, starts the apps and waits until they are healthy. */
function start() {
  step('build', process.execPath, [
    require.resolve('typescript/bin/tsc'),
    '-p',
    'tsconfig.build.json',
  ]);
  step('keys', process.execPath, node('dist/apps/user/src/auth/generate-dev-keys.js'));
  for (const service of ['user', 'news', 'mis'])
    step(`migrate ${service}`, process.execPath, node(`dist/apps/${service}/src/migrate.js`));
  for (const service of ['user', 'news'])
    step(`demo data ${service}`, process.execPath, node(`dist/apps/${service}/src/seed.js`));

  children = apps.map((app) => {
    const child = spawn(
      process.execPath,
      [...appNodeFlags(app.name), ...node(`dist/apps/${app.name}/src/main.js`)],
      { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const prefix = `[${app.name}]`.padEnd(17);
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream.on('data', (chunk) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop();
        for (const line of lines) console.log(prefix + line);
      });
    }
    child.on('exit', (code, signal) => {
      if (!stopping) {
        console.error(`${prefix}exited (${signal ?? code}); stopping the suite`);
        stop(1);
      }
    });
    return child;
  });
  void waitForHealth();
}

/** The apps' processes, once started. */
let children = [];

let stopping = false;
function stop(exitCode = 0) {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping all apps...');
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  const deadline = setTimeout(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  }, 10_000);
  Promise.all(
    children.map((child) =>
      child.exitCode !== null ? null : new Promise((r) => child.once('exit', r)),
    ),
  ).then(() => {
    clearTimeout(deadline);
    process.exit(exitCode);
  });
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

async function waitForHealth() {
  const started = Date.now();
  const pending = new Set(apps);
  while (pending.size > 0 && Date.now() - started < READY_TIMEOUT_MS) {
    for (const app of [...pending]) if ((await app.check()) === 'SERVING') pending.delete(app);
    if (pending.size > 0) await new Promise((r) => setTimeout(r, 500));
  }
  if (pending.size > 0) {
    const states = await Promise.all(
      [...pending].map(async (app) => `${app.name}: ${await app.check()}`),
    );
    console.error(`not healthy after ${READY_TIMEOUT_MS / 1000}s:\n  ${states.join('\n  ')}`);
    stop(1);
    return;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\nAll ${apps.length} apps healthy in ${seconds}s:`);
  for (const app of apps) {
    const metrics =
      app.metricsPort > 0 ? `  (metrics http://127.0.0.1:${app.metricsPort}/metrics)` : '';
    console.log(`  ${app.name.padEnd(15)} ${app.url}${metrics}`);
  }
  console.log(
    '\nDemo logins (SMS code 246810): app 13611111111 and 13811111111 (readers), 13911111111 (author); media platform 13911111111',
  );
  console.log(
    `Try: curl http://127.0.0.1:${port('GATEWAY_PORT', 8000)}/app/v1_0/channels    Ctrl-C stops everything.\n`,
  );
}
void main();
