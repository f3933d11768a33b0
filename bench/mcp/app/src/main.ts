// The mcp-server as the tools-call bench needs it, built from the production modules with
// providers overridden here, in the bench's own entry (production code has no bench switch):
//   BENCH_VARIANT=guarded          the production app as it is
//   BENCH_VARIANT=unguarded        a pass-through guard: every request is a fixed principal
//   BENCH_VARIANT=without-audit    the production guard, audit events dropped
// Every other setting is the mcp-server's own environment.
import 'reflect-metadata';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { loadConfigOrExit } from '@portcullis/config';
import { AuditEvents } from '@portcullis/events';
import { BearerAuthGuard, type Principal } from '@portcullis/resource-server';
import { scopesForResource } from '@portcullis/scopes';
import { AppModule } from '../../../../apps/mcp-server/src/app.module';
import { createMcpServerApp } from '../../../../apps/mcp-server/src/bootstrap';
import { mcpServerConfigSchema } from '../../../../apps/mcp-server/src/config/mcp-server.config';

const BENCH_PRINCIPAL: Principal = {
  subject: 'bench-user',
  clientId: 'bench-client',
  scopes: scopesForResource('mcp'),
  jti: 'bench',
  issuedAt: 0,
  expiresAt: new Date(8.64e15),
  audience: 'bench',
};

/** What "no authentication" costs: nothing but attaching the caller. */
const passThroughGuard: CanActivate = {
  canActivate(context: ExecutionContext): boolean {
    context.switchToHttp().getRequest<{ user?: Principal }>().user = BENCH_PRINCIPAL;
    return true;
  },
};

const OVERRIDES: Record<string, (builder: TestingModuleBuilder) => TestingModuleBuilder> = {
  guarded: (builder) => builder,
  unguarded: (builder) => builder.overrideGuard(BearerAuthGuard).useValue(passThroughGuard),
  'without-audit': (builder) => builder.overrideProvider(AuditEvents).useValue({ emit: async () => undefined }),
};

async function main() {
  const variant = process.env['BENCH_VARIANT'] ?? 'guarded';
  const override = OVERRIDES[variant];
  if (!override) throw new Error(`BENCH_VARIANT must be one of ${Object.keys(OVERRIDES).join(', ')}`);
  const config = loadConfigOrExit(mcpServerConfigSchema);
  const module = await override(Test.createTestingModule({ imports: [AppModule.register(config)] })).compile();
  const app = await createMcpServerApp(config, { module });
  await app.listen(config.port, '127.0.0.1');
  reportHeapOnSignal();
}

/**
 * The distinct-tokens bench asks (SIGUSR2) for the memory in use after a full collection (V8
 * heap used and reserved, off-heap buffers, RSS), to measure what one cached token costs and
 * where the rest of the RSS is; it starts the server with --expose-gc.
 */
function reportHeapOnSignal(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  process.on('SIGUSR2', () => {
    gc();
    gc();
    process.stdout.write(`MEMORY_USAGE ${JSON.stringify(process.memoryUsage())}\n`);
  });
}
void main();
