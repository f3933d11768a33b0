// Summarises a V8 .cpuprofile (from `node --cpu-prof`) into where the time went: self time
// per function and per package/file, and inclusive time for functions whose name matches.
//
//   node bench/lib/cpu-profile.mjs <file.cpuprofile> [--top 25] [--match regex]... [--since regex]
//
// --since drops the samples taken before the first one whose stack matches (e.g. start-up and
// minting before the first token request: --since 'TokenController|token-controller').
// Samples are wall-clock: on a machine busier than its cores, time the process spent waiting
// for a core is charged to whatever it was running, so compare shares, not milliseconds.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** Where a call frame's code lives: an npm package, a file of ours, or a V8/Node category. */
export function frameOwner(frame) {
  const url = frame.url ?? '';
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return url;
  return url.replace(/^file:\/\//, '').replace(/^.*\/(dist|bench|apps|libs)\//, '$1/');
}

/**
 * Loads a profile and returns `{ totalMs, selfByFunction, selfByOwner, inclusive(regex) }`.
 * Sample time deltas give each sample's weight, so idle time shows as `(idle)`. With `since`
 * (a regex), samples before the first one whose stack has a matching function are left out.
 */
export function analyseProfile(profile, { since } = {}) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n) => {
    const f = n.callFrame;
    return `${f.functionName || '(anonymous)'} ${frameOwner(f)}:${f.lineNumber + 1}`;
  };
  const stackMatches = (id, re) => {
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) if (re.test(label(nodes.get(cur)))) return true;
    return false;
  };
  const selfUs = new Map();
  const { samples, timeDeltas } = profile;
  let from = 0;
  if (since) while (from < samples.length && !stackMatches(samples[from], since)) from += 1;
  for (let i = from; i < samples.length; i += 1) {
    selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + (timeDeltas[i] ?? 0));
  }
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us);
  const byFunction = new Map();
  const byOwner = new Map();
  for (const [id, us] of selfUs) {
    const n = nodes.get(id);
    add(byFunction, label(n), us);
    add(byOwner, frameOwner(n.callFrame), us);
  }
  const sorted = (map) => [...map].sort((a, b) => b[1] - a[1]).map(([k, us]) => ({ name: k, ms: us / 1000, pct: (100 * us) / totalUs }));

  /** Inclusive time of stacks that pass through a function whose label matches `re` (each sample counted once). */
  const inclusive = (re) => {
    let us = 0;
    for (const [id, t] of selfUs) if (stackMatches(id, re)) us += t;
    return { ms: us / 1000, pct: (100 * us) / totalUs };
  };
  return { totalMs: totalUs / 1000, selfByFunction: sorted(byFunction), selfByOwner: sorted(byOwner), inclusive };
}

function cli() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string' }, match: { type: 'string', multiple: true }, since: { type: 'string' } },
  });
  if (positionals.length !== 1) {
    process.stderr.write('usage: node bench/lib/cpu-profile.mjs <file.cpuprofile> [--top 25] [--match regex]... [--since regex]\n');
    process.exitCode = 2;
    return;
  }
  const top = Number(values.top ?? 25);
  const a = analyseProfile(JSON.parse(readFileSync(positionals[0], 'utf8')), { since: values.since ? new RegExp(values.since) : undefined });
  const fmt = (r) => `${r.pct.toFixed(1).padStart(5)} %  ${r.ms.toFixed(0).padStart(7)} ms  ${r.name}`;
  process.stdout.write(`total ${a.totalMs.toFixed(0)} ms sampled\n\nself time by package / file:\n`);
  process.stdout.write(`${a.selfByOwner.slice(0, top).map(fmt).join('\n')}\n\nself time by function:\n`);
  process.stdout.write(`${a.selfByFunction.slice(0, top).map(fmt).join('\n')}\n`);
  if (values.match?.length) {
    process.stdout.write('\ninclusive time:\n');
    for (const m of values.match) {
      const r = a.inclusive(new RegExp(m));
      process.stdout.write(`${fmt({ ...r, name: `/${m}/` })}\n`);
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) cli();
