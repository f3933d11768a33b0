import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { appSecurityHeaders } from '@portcullis/http';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';
import { ResourceRegistry } from '../resources/resource-registry';
import { consoleConfig, type ConsoleConfigDocument } from './console-config';
import { ConsoleFiles } from './console-files';

/** Hashed file names never change content: a year, immutable (RFC 8246). */
const ASSET_CACHE = 'public, max-age=31536000, immutable';

/**
 * Serves the console (apps/console, built to CONSOLE_DIR) under /console/: its assets, its
 * runtime configuration, and index.html for every other path so client-side routes such as
 * /console/callback load the app. The page's CSP allows scripts and styles from this origin only
 * and API calls to this origin and the audit service.
 */
@Controller('console')
export class ConsoleController {
  private readonly files: ConsoleFiles;
  private readonly document: ConsoleConfigDocument;
  private readonly pageHeaders: Readonly<Record<string, string>>;

  constructor(@Inject(AUTH_CONFIG) config: AuthConfig, resources: ResourceRegistry) {
    this.files = new ConsoleFiles(config.consoleDir);
    this.document = consoleConfig(config, resources.all());
    // The admin API is this origin ('self' already); the audit API usually another.
    const own = new URL(config.issuerUrl).origin;
    this.pageHeaders = appSecurityHeaders(this.document.resources.map((r) => r.resource).filter((r) => new URL(r).origin !== own));
  }

  @Get('config.json')
  config(@Res() reply: FastifyReply): void {
    reply.header('cache-control', 'no-cache').send(this.document);
  }

  @Get('assets/:name')
  async asset(@Param('name') name: string, @Res() reply: FastifyReply): Promise<void> {
    const file = await this.files.asset(name);
    if (!file) {
      reply.code(404).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send('no such console file');
      return;
    }
    reply.header('cache-control', ASSET_CACHE).header('x-content-type-options', 'nosniff').type(file.type).send(file.body);
  }

  /** /console, /console/ and every client-side route below it. */
  @Get(['', '*'])
  async page(@Res() reply: FastifyReply): Promise<void> {
    const file = await this.files.page();
    if (!file) {
      reply.code(404).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send('the console is not built: run `npm run build` (or set CONSOLE_DIR)');
      return;
    }
    reply.headers(this.pageHeaders).type(file.type).send(file.body);
  }
}
