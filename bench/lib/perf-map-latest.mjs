// Rewrites a V8 perf map (/tmp/perf-<pid>.map, written by node --perf-basic-prof) so that each
// address names the code that was there last, before `perf script` reads it.
//
//   node bench/lib/perf-map-latest.mjs /tmp/perf-<pid>.map
//
// V8 appends a line ("start size name", hex) whenever it places code, and reuses the addresses
// of code it has collected. perf keeps the first of two symbols at one address, so once a
// process has run other work before the profile (the bench mints codes and refresh tokens
// through the login and consent pages first), samples of the token endpoint can be named after
// functions of that earlier work — TypeORM's persistence in a code exchange, say. Here a later
// line wins over every earlier one it overlaps, which is what the process's memory held last.
// The original is kept beside it as <file>.orig.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** The entries of a perf map text that no later entry overlaps, in address order. */
export function latestEntries(text) {
  const entries = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/i.exec(line);
    if (m) entries.push({ start: parseInt(m[1], 16), end: parseInt(m[1], 16) + parseInt(m[2], 16), line });
  }
  // Newest first; `kept` stays sorted by start, and its ranges never overlap.
  const kept = [];
  for (let i = entries.length - 1; i >= 0; i -= 1) {
    const e = entries[i];
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (kept[mid].start < e.start) lo = mid + 1;
      else hi = mid;
    }
    const overlapsBefore = lo > 0 && kept[lo - 1].end > e.start;
    const overlapsAfter = lo < kept.length && kept[lo].start < e.end;
    if (!overlapsBefore && !overlapsAfter) kept.splice(lo, 0, e);
  }
  return kept;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node bench/lib/perf-map-latest.mjs /tmp/perf-<pid>.map\n');
    process.exit(2);
  }
  const text = readFileSync(file, 'utf8');
  const kept = latestEntries(text);
  copyFileSync(file, `${file}.orig`);
  writeFileSync(file, `${kept.map((e) => e.line).join('\n')}\n`);
  process.stdout.write(`${file}: kept ${kept.length} of ${text.split('\n').filter(Boolean).length} entries (later code wins where ranges overlap)\n`);
}
