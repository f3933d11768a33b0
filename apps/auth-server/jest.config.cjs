module.exports = {
  displayName: 'auth-server',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  // The black-box specs drive built processes through real login pages (scrypt per login) on a
  // shared two-core machine: Jest's 5 s default is a timing assertion in disguise.
  testTimeout: 30_000,
};
