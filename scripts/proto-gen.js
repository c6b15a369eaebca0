#!/usr/bin/env node
// Regenerates libs/contracts/src/generated from proto/ with buf + ts-proto.
// With --check, fails when the checked-in output differs from a fresh generation.
'use strict';
const { execFileSync } = require('node:child_process');
const {
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} = require('node:fs');
const { dirname, join, relative } = require('node:path');
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

// ts-proto's NestJS method decorators read each method's descriptor as `any`; it is a
// PropertyDescriptor (the method exists, the controller implements the generated interface).
function typeDescriptors(source) {
  return source.replaceAll(
    'const descriptor: any = Reflect.getOwnPropertyDescriptor(constructor.prototype, method);',
    'const descriptor = Reflect.getOwnPropertyDescriptor(constructor.prototype, method) as PropertyDescriptor;',
  );
}

// Writes only files whose content changed and removes stale ones, so the tree is never empty
// midway (other processes may be compiling against it).
function generate(target) {
  const scratch = mkdtempSync(join(tmpdir(), 'proto-gen-'));
  try {
    execFileSync(buf, ['generate', '--template', 'buf.gen.yaml', '-o', scratch], {
      cwd: protoDir,
      stdio: 'inherit',
    });
    const generated = join(scratch, 'generated');
    const fresh = new Set(listFiles(generated).map((file) => relative(generated, file)));
    for (const file of fresh) {
      const content = typeDescriptors(readFileSync(join(generated, file), 'utf8'));
      const destination = join(target, file);
      if (existsSync(destination) && readFileSync(destination, 'utf8') === content) continue;
      mkdirSync(dirname(destination), { recursive: true });
      writeFileSync(destination, content);
    }
    if (existsSync(target)) {
      for (const file of listFiles(target)) if (!fresh.has(relative(target, file))) rmSync(file);
    }
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
  const expected = new Map(
    listFiles(join(fresh, 'out')).map((f) => [
      relative(join(fresh, 'out'), f),
      readFileSync(f, 'utf8'),
    ]),
  );
  const actual = new Map(
    listFiles(outDir).map((f) => [relative(outDir, f), readFileSync(f, 'utf8')]),
  );
  const drift = [...new Set([...expected.keys(), ...actual.keys()])].filter(
    (f) => expected.get(f) !== actual.get(f),
  );
  if (drift.length > 0) {
    console.error(
      `Generated contracts are out of date (run npm run proto:gen):\n  ${drift.join('\n  ')}`,
    );
    process.exit(1);
  }
  console.log(`contracts up to date (${expected.size} files)`);
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
