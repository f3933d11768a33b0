// Container health probe (Dockerfile HEALTHCHECK): GET /health/live on this container's own
// port. Exit 0 = healthy, 1 = unhealthy, as Docker expects. Slim images have no curl or wget,
// so Node (global fetch) does it; the probe gives up after 3 s rather than hang.
const port = process.env.PORT;
fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(3000) }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  () => process.exit(1),
);
