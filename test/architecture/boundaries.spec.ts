import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const IMPORT =
  /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Where an import lands: `apps/<name>`, `libs/<name>` or outside both (packages, test/). */
function owner(file: string): string | undefined {
  const [top, name] = relative(ROOT, file).split(sep);
  return top === 'apps' || top === 'libs' ? `${top}/${name}` : undefined;
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((match) => match[1] ?? match[2] ?? match[3]);
}

function target(file: string, specifier: string): string | undefined {
  if (specifier.startsWith('@app/')) return `libs/${specifier.split('/')[1]}`;
  if (specifier.startsWith('.')) return owner(resolve(dirname(file), specifier));
  return undefined;
}

function violations(rule: (from: string, to: string) => boolean): string[] {
  const found: string[] = [];
  for (const top of ['apps', 'libs']) {
    for (const file of sourceFiles(join(ROOT, top))) {
      const from = owner(file)!;
      for (const specifier of imports(file)) {
        const to = target(file, specifier);
        if (to && to !== from && rule(from, to))
          found.push(`${relative(ROOT, file)} -> ${specifier}`);
      }
    }
  }
  return found;
}

describe('module boundaries', () => {
  it('finds the imports it checks (the scanner itself works)', () => {
    const gatewayImports = imports(join(ROOT, 'apps/gateway/src/main.ts'));
    expect(gatewayImports).toContain('@app/config');
    expect(target(join(ROOT, 'apps/gateway/src/main.ts'), '../../user/src/main')).toBe('apps/user');
  });

  it('no app imports another app', () => {
    expect(violations((from, to) => from.startsWith('apps/') && to.startsWith('apps/'))).toEqual(
      [],
    );
  });

  it('libs never import apps', () => {
    expect(violations((from, to) => from.startsWith('libs/') && to.startsWith('apps/'))).toEqual(
      [],
    );
  });

  it('libs/contracts imports nothing of ours', () => {
    expect(violations((from) => from === 'libs/contracts')).toEqual([]);
  });

  it('production code never imports the testing lib', () => {
    // Fixtures in a test/ folder are test code: the build (tsconfig.build.json) leaves them out.
    const isTest = (file: string) =>
      /\.(spec|int-spec|e2e-spec)\.ts$/.test(file) ||
      relative(ROOT, file).split(sep).includes('test');
    const found: string[] = [];
    for (const top of ['apps', 'libs']) {
      for (const file of sourceFiles(join(ROOT, top)).filter(
        (f) => !isTest(f) && owner(f) !== 'libs/testing',
      )) {
        if (imports(file).includes('@app/testing')) found.push(relative(ROOT, file));
      }
    }
    expect(found).toEqual([]);
  });

  it("the testing lib's index, which the benchmark's build compiles, reaches no module using jest's globals", () => {
    const JEST_GLOBALS =
      /(?<![.\w])(?:describe|it|test|expect|beforeAll|beforeEach|afterAll|afterEach)\s*\(/;
    const reached = new Set<string>();
    const visit = (file: string): void => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const specifier of imports(file).filter((s) => s.startsWith('.'))) {
        const path = resolve(dirname(file), specifier);
        visit(
          statSync(`${path}.ts`, { throwIfNoEntry: false }) ? `${path}.ts` : join(path, 'index.ts'),
        );
      }
    };
    visit(join(ROOT, 'libs/testing/src/index.ts'));
    const found = [...reached].filter((file) => JEST_GLOBALS.test(readFileSync(file, 'utf8')));
    expect(found.map((file) => relative(ROOT, file))).toEqual([]);
  });
});
