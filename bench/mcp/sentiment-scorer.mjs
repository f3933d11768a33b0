// Loads the mcp-server's own sentiment scorer (TypeScript source) for the baseline server, so
// both servers run the very same tool. Transpiled in memory with the workspace's TypeScript.
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ts = require('typescript');
const root = join(dirname(fileURLToPath(import.meta.url)), '../../apps/mcp-server/src/sentiment');

export function loadScorer() {
  const out = mkdtempSync(join(tmpdir(), 'bench-scorer-'));
  mkdirSync(join(out, 'lexicon'));
  for (const file of ['sentiment-scorer.ts', 'lexicon/finance-lexicon.ts']) {
    const { outputText } = ts.transpileModule(readFileSync(join(root, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    });
    writeFileSync(join(out, file.replace(/\.ts$/, '.js')), outputText);
  }
  return require(join(out, 'sentiment-scorer.js')).scoreSentiment;
}
