#!/usr/bin/env node
// `npm run bench [-- --size quick|full ...]`: builds, then runs the benchmark harness (bench/main.ts,
// compiled to dist/bench/main.js). Not part of `npm test`. Options are listed in bench/README.md.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');

console.log('> build');
const build = spawnSync(
  process.execPath,
  [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
  { cwd: root, stdio: 'inherit' },
);
if (build.status !== 0) {
  // tsc still emits on type errors; a work-in-progress file elsewhere should not block a benchmark run.
  if (!existsSync(join(root, 'dist', 'bench', 'main.js'))) process.exit(build.status ?? 1);
  console.warn('build reported type errors (see above); benchmarking the emitted output anyway');
}

const child = spawn(
  process.execPath,
  ['-r', './scripts/register-aliases.js', 'dist/bench/main.js', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
// The harness stops its own children on SIGINT/SIGTERM; forward the signal and wait for it.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
