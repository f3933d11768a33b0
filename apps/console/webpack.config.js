// The console is a browser bundle: static files in dist/apps/console that the auth-server serves
// under /console/. Content-hashed file names (cached for a year) and an index.html that names
// them; no inline script or style, so the page runs under `script-src 'self'; style-src 'self'`.
const { join } = require('node:path');
const { readFileSync } = require('node:fs');
const MiniCssExtractPlugin = require('mini-css-extract-plugin');

const root = join(__dirname, '../..');

/** Writes index.html from src/index.html, pointing at this build's hashed script and style sheet. */
class IndexHtmlPlugin {
  apply(compiler) {
    const { Compilation, sources } = compiler.webpack;
    compiler.hooks.thisCompilation.tap('IndexHtmlPlugin', (compilation) => {
      compilation.hooks.processAssets.tap({ name: 'IndexHtmlPlugin', stage: Compilation.PROCESS_ASSETS_STAGE_SUMMARIZE }, () => {
        const files = [...compilation.entrypoints.get('main').getFiles()];
        const escape = (f) => f.replace(/[&"<>]/g, '');
        const tags = [
          ...files.filter((f) => f.endsWith('.css')).map((f) => `<link rel="stylesheet" href="/console/${escape(f)}">`),
          ...files.filter((f) => f.endsWith('.js')).map((f) => `<script defer src="/console/${escape(f)}"></script>`),
        ].join('\n    ');
        const html = readFileSync(join(__dirname, 'src/index.html'), 'utf8').replace('<!-- assets -->', tags);
        compilation.emitAsset('index.html', new sources.RawSource(html));
      });
    });
  }
}

module.exports = (_env, argv = {}) => ({
  mode: argv.mode ?? 'production',
  context: __dirname,
  target: 'web',
  entry: { main: './src/main.tsx' },
  output: { path: join(root, 'dist/apps/console'), filename: 'assets/[name].[contenthash:12].js', publicPath: '/console/', clean: true },
  devtool: 'source-map',
  resolve: { extensions: ['.tsx', '.ts', '.js', '.mjs'] },
  module: {
    rules: [
      {
        test: /\.tsx?$/,
        loader: 'ts-loader',
        options: { transpileOnly: true, configFile: join(__dirname, 'tsconfig.json'), compilerOptions: { noEmit: false, module: 'esnext', sourceMap: true } },
      },
      { test: /\.css$/, use: [MiniCssExtractPlugin.loader, 'css-loader'] },
    ],
  },
  plugins: [new MiniCssExtractPlugin({ filename: 'assets/[name].[contenthash:12].css' }), new IndexHtmlPlugin()],
  performance: { hints: false },
});
