import { Injectable } from '@nestjs/common';
import { declareCounter, declareHistogram, LATENCY_BUCKETS_SECONDS } from '@portcullis/metrics';
import type { AccessDenial, AccessDenialListener } from '@portcullis/resource-server';
import { isOwnTool } from '../mcp/own-names';
import type { ToolCall } from '../mcp/tool-calls';

const toolCallDuration = declareHistogram({
  name: 'portcullis_mcp_tool_call_duration_seconds',
  help: 'Tool calls answered by this MCP server and how long their body took, by tool (a name not of this server is "other") and outcome.',
  labelNames: ['tool', 'outcome'],
  buckets: LATENCY_BUCKETS_SECONDS,
});

const requestDenials = declareCounter({
  name: 'portcullis_mcp_request_denials_total',
  help: 'Requests the bearer guard refused, by reason (missing_token, invalid_token, expired, revoked, wrong_audience, insufficient_scope, invalid_request…).',
  labelNames: ['reason'],
});

/**
 * The mcp-server's own metrics. Labels come from closed sets only: a tool name the caller
 * wrote is a label only when it is one of this server's tools, never a client or a subject.
 */
@Injectable()
export class McpMetrics implements AccessDenialListener {
  accessDenied(denial: AccessDenial): void {
    requestDenials.inc({ reason: denial.reason });
  }

  toolsCalled(calls: readonly ToolCall[], durationMs: number): void {
    for (const call of calls) {
      toolCallDuration.observe({ tool: isOwnTool(call.tool) ? call.tool : 'other', outcome: call.error ? 'error' : 'success' }, durationMs / 1000);
    }
  }
}
