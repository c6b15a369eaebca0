import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

// `npm run dev` and `npm run bench` start from this build, whose types leave jest out; the
// typecheck (tsconfig.json) does not see what only this configuration refuses.
describe('the build', () => {
  it('compiles every app, lib and the benchmark with tsconfig.build.json', () => {
    const tsc = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/typescript/bin/tsc'),
        '-p',
        join(ROOT, 'tsconfig.build.json'),
        '--noEmit',
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect({ status: tsc.status, output: tsc.stdout + tsc.stderr }).toEqual({
      status: 0,
      output: '',
    });
  }, 600_000);
});
