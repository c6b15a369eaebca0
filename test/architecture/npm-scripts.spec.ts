import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

/** Every script file an npm script runs: `scripts/*.js` as they are, `dist/**.js` by their TypeScript source. */
function filesRun(command: string): string[] {
  return [...command.matchAll(/(?:^|\s)((?:scripts|dist)\/[\w./-]+\.js)\b/g)].map(([, file]) =>
    file.startsWith('dist/') ? file.replace(/^dist\//, '').replace(/\.js$/, '.ts') : file,
  );
}

describe('npm scripts', () => {
  it.each(Object.entries(scripts))('%s runs only files that exist', (_name, command) => {
    const missing = filesRun(command).filter((file) => !existsSync(join(ROOT, file)));
    expect(missing).toEqual([]);
  });

  it('finds the files of the scripts that run compiled entry points', () => {
    expect(filesRun(scripts['migration:run'])).toEqual([
      'apps/user/src/migrate.ts',
      'apps/news/src/migrate.ts',
      'apps/mis/src/migrate.ts',
    ]);
    expect(filesRun(scripts['counters:repair'])).toEqual(['apps/worker/src/repair-counters.ts']);
    expect(filesRun(scripts.dev)).toEqual(['scripts/dev.js']);
  });
});
