// Container health probe (Dockerfile HEALTHCHECK): GET /health/live on this container's own
// port. Exit 0 = healthy, 1 = unhealthy, as Docker expects. Slim images have no curl or wget,
// so Node (global fetch) does it.
//
// Its deadline is the health check's own timeout, HEALTHCHECK_TIMEOUT_MS (the Dockerfile sets it
// beside HEALTHCHECK --timeout; an override of one sets the other), counted from the moment this
// process started: starting Node is part of the probe, and on a loaded machine it can take
// seconds, so a fixed fetch timeout either fails a live service or outlasts Docker's kill. The
// fetch gets what is left, less a margin to exit cleanly before Docker gives up on the probe.
const DEFAULT_TIMEOUT_MS = 5000;
const EXIT_MARGIN_MS = 250;
const MIN_FETCH_MS = 100;

function budgetMs() {
  const configured = Number(process.env.HEALTHCHECK_TIMEOUT_MS);
  const timeout = Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_TIMEOUT_MS;
  const spentStarting = process.uptime() * 1000;
  return Math.max(MIN_FETCH_MS, Math.floor(timeout - spentStarting - EXIT_MARGIN_MS));
}

fetch(`http://127.0.0.1:${process.env.PORT}/health/live`, { signal: AbortSignal.timeout(budgetMs()) }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  () => process.exit(1),
);
