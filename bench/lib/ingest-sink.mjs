// A stand-in for a service that receives what the measured server sends on (e.g. the audit
// service's event ingest): answers every POST 204 and counts requests, bytes and JSON array
// items. Run as its own process so its work stays off the load generator's event loop:
//   PORT=<port> node bench/lib/ingest-sink.mjs
// GET /__stats → { requests, bytes, items }.
import { createServer } from 'node:http';

const stats = { requests: 0, bytes: 0, items: 0 };

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/__stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(stats));
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    stats.requests += 1;
    stats.bytes += body.length;
    if (body[0] === 0x5b /* [ */) {
      try {
        stats.items += JSON.parse(body.toString('utf8')).length;
      } catch {
        /* not JSON: counted as a request only */
      }
    } else if (body.length > 0) {
      stats.items += 1;
    }
    res.writeHead(204);
    res.end();
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
