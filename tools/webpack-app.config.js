const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { existsSync } = require('node:fs');
const { join, relative } = require('node:path');

/**
 * The one webpack configuration of every service: bundle the app's own code and the libs it
 * imports into dist/apps/<app>/main.js (and cli.js when src/cli.ts exists); node_modules stay
 * external and are required at run time.
 */
module.exports = function appWebpackConfig(appDir) {
  const root = join(__dirname, '..');
  return {
    output: { path: join(root, 'dist', relative(root, appDir)), clean: true },
    devtool: 'source-map',
    plugins: [
      new NxAppWebpackPlugin({
        target: 'node',
        compiler: 'tsc',
        main: './src/main.ts',
        additionalEntryPoints: existsSync(join(appDir, 'src/cli.ts')) ? [{ entryName: 'cli', entryPath: './src/cli.ts' }] : [],
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
};
