// One Jest preset for every project. SWC compiles TypeScript (with the decorator metadata
// Nest's injector needs) and the ESM-only packages jose and oauth4webapi, which Jest's
// CommonJS module loader cannot require as they are.
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  // Many suites talk to the real PostgreSQL and RabbitMQ on a shared 2-core machine: Jest's 5 s
  // default failed healthy tests under load. A hung test still fails, after 30 s.
  testTimeout: 30_000,
  transform: {
    '^.+\\.(t|j|mj)s$': [
      '@swc/jest',
      {
        swcrc: false,
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|oauth4webapi|oidc-provider)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  moduleNameMapper: Object.fromEntries(
    Object.entries(require('./tsconfig.base.json').compilerOptions.paths).map(([alias, [target]]) => [
      `^${alias}$`,
      path.join(__dirname, target),
    ]),
  ),
};
