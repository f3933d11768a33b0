const preset = require('../../jest.preset.js');

module.exports = {
  displayName: 'tracing',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  // The OTLP exporter loads node:http with a dynamic import(), which Jest's CommonJS runtime
  // refuses (it needs --experimental-vm-modules): compiled like the ESM-only packages it is not.
  transformIgnorePatterns: [preset.transformIgnorePatterns[0].replace('(jose|', '(@opentelemetry/otlp-exporter-base|jose|')],
};
