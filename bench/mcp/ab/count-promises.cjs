// Preload: counts promises created in this process (async_hooks init of type PROMISE) and
// writes the count to <tmpdir>/mcp-promises-<pid> every 100 ms (bench/mcp/ab/promises-per-request.mjs
// preloads it into the bench entry with -r).
const { createHook } = require('node:async_hooks');
const { writeFileSync } = require('node:fs');
let promises = 0;
createHook({ init(_id, type) { if (type === 'PROMISE') promises++; } }).enable();
setInterval(() => writeFileSync(`${require('node:os').tmpdir()}/mcp-promises-${process.pid}`, String(promises)), 100).unref();
