const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('node:path');

// node_modules stay external: the bundle holds only this app's code and the libs it imports.
module.exports = {
  output: { path: join(__dirname, '../../dist/apps/audit-service'), clean: true },
  devtool: 'source-map',
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      additionalEntryPoints: require('node:fs').existsSync(join(__dirname, 'src/cli.ts')) ? [{ entryName: 'cli', entryPath: './src/cli.ts' }] : [],
      tsConfig: './tsconfig.json',
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
