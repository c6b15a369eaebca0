import type { Config } from 'jest';

const libs = ['config', 'contracts', 'grpc', 'database', 'snowflake', 'cache', 'auth', 'rbac', 'queue', 'testing'];

const shared: Config = {
  rootDir: '.',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', {}] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: Object.fromEntries(
    libs.flatMap((lib) => [
      [`^@app/${lib}$`, `<rootDir>/libs/${lib}/src`],
      [`^@app/${lib}/(.*)$`, `<rootDir>/libs/${lib}/src/$1`],
    ]),
  ),
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

/** Three tiers by suffix: unit (pure logic), int (real MariaDB/Redis), e2e (booted apps over gRPC/HTTP). */
const config: Config = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'] },
    { ...shared, displayName: 'int', testMatch: ['<rootDir>/{apps,libs,test}/**/*.int-spec.ts'], testTimeout: 30_000 },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/{apps,test}/**/*.e2e-spec.ts'], testTimeout: 60_000 },
  ],
};

export default config;
