import type { Config } from 'jest';

const libs = [
  'config',
  'contracts',
  'grpc',
  'database',
  'snowflake',
  'cache',
  'auth',
  'rbac',
  'queue',
  'testing',
  'storage',
];

const shared: Config = {
  rootDir: '.',
  testEnvironment: 'node',
  // content-disposition (under @fastify/static) ships only ESM; Node 20 loads it with require(esm),
  // Jest before Node 24.9 cannot, so it is compiled to CommonJS like our own sources.
  transform: {
    '^.+\\.ts$': ['@swc/jest', {}],
    '/node_modules/content-disposition/.+\\.js$': ['@swc/jest', {}],
  },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: Object.fromEntries(
    libs.flatMap((lib) => [
      [`^@app/${lib}$`, `<rootDir>/libs/${lib}/src`],
      [`^@app/${lib}/(.*)$`, `<rootDir>/libs/${lib}/src/$1`],
    ]),
  ),
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  setupFiles: ['<rootDir>/libs/testing/src/runtime.setup.ts'],
};

/** Three tiers by suffix: unit (pure logic), int (real MariaDB/Redis), e2e (booted apps over gRPC/HTTP). */
const config: Config = {
  testTimeout: 60_000,
  // Each test file boots apps in its own module registry, and a worker's heap only grows: at 2 GB
  // a worker took longer than Jest's 500 ms to exit after the last file. A worker past 1 GB after
  // a file is replaced by a fresh one.
  workerIdleMemoryLimit: '1GB',
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,test,bench}/**/*.spec.ts'],
    },
    { ...shared, displayName: 'int', testMatch: ['<rootDir>/{apps,libs,test}/**/*.int-spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/{apps,test}/**/*.e2e-spec.ts'] },
    // Measurements of the whole MariaDB server (global `Questions`): run alone, after the rest.
    { ...shared, displayName: 'serial', testMatch: ['<rootDir>/test/**/*.serial-spec.ts'] },
  ],
};

export default config;
