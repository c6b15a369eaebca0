// Resolves the `@app/<lib>` aliases for compiled code in dist/ (node -r ./scripts/register-aliases.js).
'use strict';
const { join } = require('node:path');
const { register } = require('tsconfig-paths');

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
const paths = {};
for (const lib of libs) {
  paths[`@app/${lib}`] = [`libs/${lib}/src`];
  paths[`@app/${lib}/*`] = [`libs/${lib}/src/*`];
}
register({ baseUrl: join(__dirname, '..', 'dist'), paths });
