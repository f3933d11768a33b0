// The whole system as processes from the built output (dist/apps/*), driven through its public
// interfaces only: the official MCP SDK client, a real Chromium, the audit API.
module.exports = {
  displayName: 'e2e',
  preset: '../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e.ts', '<rootDir>/src/**/*.spec.ts'],
  // One topology (five services, a browser) per file; files run one after the other.
  maxWorkers: 1,
  testTimeout: 120_000,
};
