// Counts the MCP requests one mcp-server replica answered with 200, from its own log on stdin
// (`docker logs`): every service writes one JSON request line per request (libs/http,
// createHttpApp's onResponse hook: {"msg":"request","method":…,"path":…,"status":…}). Only a
// successful POST /mcp counts: not the health checks' GET lines, nor a refused call (401). Lines that are not JSON (a pretty-printed log, the
// engine's own notes) are skipped. Prints the count.
//
//   docker logs --since <t> <container> 2>&1 | node mcp-requests.mjs
import { createInterface } from 'node:readline';

let count = 0;
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (!line.startsWith('{')) continue;
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    continue;
  }
  if (entry.msg === 'request' && entry.method === 'POST' && entry.path === '/mcp' && entry.status === 200) count++;
}
console.log(count);
