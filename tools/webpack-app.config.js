const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { existsSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..');

/**
 * How every Node bundle of this repository is built: the entry's own code and the libs it
 * imports into `outputPath`/main.js; node_modules stay external and are required at run time.
 */
function nodeBundle({ outputPath, main, tsConfig, additionalEntryPoints = [] }) {
  return {
    output: { path: outputPath, clean: true },
    devtool: 'source-map',
    plugins: [
      new NxAppWebpackPlugin({
        target: 'node',
        compiler: 'tsc',
        main,
        additionalEntryPoints,
        tsConfig,
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
}

/**
 * The one webpack configuration of every service: dist/apps/<app>/main.js (and cli.js when
 * src/cli.ts exists).
 */
module.exports = function appWebpackConfig(appDir) {
  return nodeBundle({
    outputPath: join(root, 'dist', relative(root, appDir)),
    main: './src/main.ts',
    tsConfig: './tsconfig.json',
    additionalEntryPoints: existsSync(join(appDir, 'src/cli.ts')) ? [{ entryName: 'cli', entryPath: './src/cli.ts' }] : [],
  });
};
module.exports.nodeBundle = nodeBundle;
