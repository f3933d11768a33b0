import { TOOL_SCOPES, type ToolName } from './tool-scopes';

/**
 * Names this server defines itself, as opposed to whatever a caller wrote in their place: what
 * may go into a log line or stand in an event when caller text cannot.
 */
const MCP_METHODS: ReadonlySet<string> = new Set(['initialize', 'ping', 'tools/list', 'tools/call', 'notifications/initialized']);

export function isOwnMethod(method: unknown): method is string {
  return typeof method === 'string' && MCP_METHODS.has(method);
}

export function isOwnTool(name: unknown): name is ToolName {
  return typeof name === 'string' && Object.hasOwn(TOOL_SCOPES, name);
}
