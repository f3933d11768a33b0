// Builds the bench's own audit producer (src/main.ts) into dist/bench/audit/producer/main.js, the
// way every service is built (tools/webpack-app.config.js):
//   npx webpack-cli build --config bench/audit/producer/webpack.config.js --no-stats
// Nx's webpack plugin reads its project from the environment; this entry is built as part of
// the audit-service project (whose pipeline it feeds). Paths are absolute, so the project's own
// main.ts is not what gets built.
const { join } = require('node:path');
const { nodeBundle } = require('../../../tools/webpack-app.config.js');

process.env.NX_TASK_TARGET_PROJECT ??= 'audit-service';
process.env.NX_TASK_TARGET_TARGET ??= 'build';

module.exports = nodeBundle({
  outputPath: join(__dirname, '../../../dist/bench/audit/producer'),
  main: join(__dirname, 'src/main.ts'),
  tsConfig: join(__dirname, 'tsconfig.json'),
});
