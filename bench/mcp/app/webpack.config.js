// Builds the bench's own mcp-server entry (src/main.ts) into dist/bench/mcp/app/main.js, with
// the settings every service is built with (tools/webpack-app.config.js):
//   npx webpack-cli build --config bench/mcp/app/webpack.config.js --no-stats
// Nx's webpack plugin reads its project from the environment; this entry is built as part of
// the mcp-server project (it bundles the mcp-server's modules). Paths are absolute, so the
// project's own main.ts is not what gets built.
const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('node:path');

process.env.NX_TASK_TARGET_PROJECT ??= 'mcp-server';
process.env.NX_TASK_TARGET_TARGET ??= 'build';
const root = join(__dirname, '../../..');

module.exports = {
  output: { path: join(root, 'dist/bench/mcp/app'), clean: true },
  devtool: 'source-map',
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: join(__dirname, 'src/main.ts'),
      tsConfig: join(__dirname, 'tsconfig.json'),
      outputHashing: 'none',
      generatePackageJson: false,
      externalDependencies: 'all',
      sourceMap: true,
      transformers: [],
      typeCheck: false,
      optimization: false,
    }),
  ],
};
