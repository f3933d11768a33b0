// Summarises Linux `perf script` output of a Node process (started with --perf-basic-prof, see
// token-bench.mjs --perf-map) into where its CPU time went. perf samples a thread only while
// it runs on a core, so on a machine busier than its cores the shares are CPU shares, which a
// V8 --cpu-prof (wall-clock) profile is not. Every thread counts: the libuv pool's Ed25519
// signatures and V8's GC and compiler threads as well as the main thread.
//
//   perf record -F 499 -g -p <pid> -o perf.data -- sleep 10
//   perf script -i perf.data -F comm,tid,ip,sym > perf.txt
//   node bench/lib/perf-summary.mjs perf.txt [--top 40]
//
// A sample is charged to the innermost JavaScript frame of its stack, named by its package
// (node_modules/<pkg>), Node module (node:…) or, for the built app, its function
// (`app:<name>`); so native work a JS function asked for (a builtin, a hash) is its caller's.
// Stacks with no JS frame are the runtime's own: GC, JIT compilation, signatures on the
// thread pool, the event loop waiting in the kernel.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const NATIVE = [
  ['[crypto: signature on the thread pool]', /ed25519|SignTraits|sha512_block/],
  ['[GC]', /Scaveng|MarkCompact|ConcurrentMarking|MinorGC|Heap::|Sweeper/],
  ['[JIT compilation]', /compiler::|Compile|Maglev|Turbofan/],
  ['[event loop: kernel I/O]', /uv__io_poll|epoll|uv__stream|uv__read|uv__write/],
];

/** The stacks of a `perf script` text, each a list of symbols from the leaf outwards. */
export function parsePerfScript(text) {
  const stacks = [];
  let current;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    if (!line.startsWith('\t') && !line.startsWith(' ')) {
      current = [];
      stacks.push(current);
    } else if (current) {
      const symbol = line.trim().split(' ').slice(1).join(' ');
      current.push(symbol);
    }
  }
  return stacks;
}

/** Who a stack's CPU is charged to (see the header). */
export function stackOwner(stack) {
  for (const symbol of stack) {
    if (!symbol.startsWith('JS:')) continue;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(symbol);
    if (pkg) return pkg[1];
    if (/\/dist\/apps\//.test(symbol)) return `app:${symbol.slice(4).split(' ')[0].replace(/^[*^~]/, '') || '(anonymous)'}`;
    const nodeModule = / (node:[\w/]+)/.exec(symbol);
    return nodeModule ? nodeModule[1] : '(other JS)';
  }
  const joined = stack.join(' ');
  for (const [name, re] of NATIVE) if (re.test(joined)) return name;
  return `[native] ${stack[0] ?? '?'}`;
}

/** Shares of the samples by owner, largest first: `[{ name, samples, pct }]`. */
export function summarisePerf(stacks) {
  const counts = new Map();
  for (const stack of stacks) {
    const owner = stackOwner(stack);
    counts.set(owner, (counts.get(owner) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([name, samples]) => ({ name, samples, pct: (100 * samples) / stacks.length }));
}

function cli() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string' } } });
  if (positionals.length !== 1) {
    process.stderr.write('usage: node bench/lib/perf-summary.mjs <perf-script.txt> [--top 40]\n');
    process.exitCode = 2;
    return;
  }
  const stacks = parsePerfScript(readFileSync(positionals[0], 'utf8'));
  const rows = summarisePerf(stacks).slice(0, Number(values.top ?? 40));
  process.stdout.write(`${stacks.length} samples\n`);
  for (const r of rows) process.stdout.write(`${r.pct.toFixed(1).padStart(5)} %  ${r.name}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) cli();
