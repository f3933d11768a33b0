import { Injectable } from '@nestjs/common';
import { declareCounter, declareHistogram, LATENCY_BUCKETS_SECONDS } from '@portcullis/metrics';
import type { Upstream } from '../upstreams/upstream-registry';

const toolCallDuration = declareHistogram({
  name: 'portcullis_gateway_tool_call_duration_seconds',
  help: 'Tool calls passed through the gateway and how long until their answer was through, by upstream, tool (one the policy names exactly, else "other") and outcome.',
  labelNames: ['upstream', 'tool', 'outcome'],
  buckets: LATENCY_BUCKETS_SECONDS,
});

const requestDenials = declareCounter({
  name: 'portcullis_gateway_request_denials_total',
  help: 'Requests the gateway refused, by upstream and reason (missing_token, invalid_token, insufficient_scope, denied_by_policy, rate_limited, over_capacity…).',
  labelNames: ['upstream', 'reason'],
});

/** The label for a request that named no configured upstream. */
const NO_UPSTREAM = 'none';

/**
 * The gateway's own metrics. An upstream's tool names are whatever that server (or whoever
 * controls it) says, so a tool is a label only when the gateway's policy names it literally (a
 * rule without `*` or `?`); everything else is "other", which bounds the series per upstream
 * by the size of its policy. Upstream names come from the gateway's own file.
 */
@Injectable()
export class GatewayMetrics {
  private readonly namedTools = new WeakMap<Upstream, ReadonlySet<string>>();

  denied(upstream: Upstream | undefined, reason: string): void {
    requestDenials.inc({ upstream: upstream?.declaration.name ?? NO_UPSTREAM, reason });
  }

  toolCalled(upstream: Upstream, tool: string, error: string | undefined, durationMs: number): void {
    const label = this.toolsNamedBy(upstream).has(tool) ? tool : 'other';
    toolCallDuration.observe({ upstream: upstream.declaration.name, tool: label, outcome: error ? 'error' : 'success' }, durationMs / 1000);
  }

  private toolsNamedBy(upstream: Upstream): ReadonlySet<string> {
    let names = this.namedTools.get(upstream);
    if (!names) {
      names = new Set(upstream.declaration.tools.map((rule) => rule.tool).filter((pattern) => !/[*?]/.test(pattern)));
      this.namedTools.set(upstream, names);
    }
    return names;
  }
}
