#!/usr/bin/env node
// Regenerates libs/contracts/src/generated from proto/ with buf + ts-proto.
// With --check, fails when the checked-in output differs from a fresh generation.
'use strict';
const { execFileSync } = require('node:child_process');
const { mkdtempSync, rmSync, readdirSync, readFileSync, statSync, cpSync } = require('node:fs');
const { join, relative } = require('node:path');
const { tmpdir } = require('node:os');

const root = join(__dirname, '..');
const protoDir = join(root, 'proto');
const outDir = join(root, 'libs/contracts/src/generated');
const buf = join(root, 'node_modules/.bin/buf');
const check = process.argv.includes('--check');

function listFiles(dir) {
  const files = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...listFiles(path));
    else files.push(path);
  }
  return files;
}

function generate(target) {
  rmSync(target, { recursive: true, force: true });
  const scratch = mkdtempSync(join(tmpdir(), 'proto-gen-'));
  try {
    execFileSync(buf, ['generate', '--template', 'buf.gen.yaml', '-o', scratch], { cwd: protoDir, stdio: 'inherit' });
    const generated = join(scratch, 'generated');
    cpSync(generated, target, { recursive: true });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

execFileSync(buf, ['lint'], { cwd: protoDir, stdio: 'inherit' });

if (!check) {
  generate(outDir);
  console.log(`generated ${listFiles(outDir).length} files into ${relative(root, outDir)}`);
  process.exit(0);
}

const fresh = mkdtempSync(join(tmpdir(), 'proto-check-'));
try {
  generate(join(fresh, 'out'));
  const expected = new Map(listFiles(join(fresh, 'out')).map((f) => [relative(join(fresh, 'out'), f), readFileSync(f, 'utf8')]));
  const actual = new Map(listFiles(outDir).map((f) => [relative(outDir, f), readFileSync(f, 'utf8')]));
  const drift = [...new Set([...expected.keys(), ...actual.keys()])].filter((f) => expected.get(f) !== actual.get(f));
  if (drift.length > 0) {
    console.error(`Generated contracts are out of date (run npm run proto:gen):\n  ${drift.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`contracts up to date (${expected.size} files)`);
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
