import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The built console (dist/apps/console): index.html and content-hashed files under assets/. */
export interface ConsoleFile {
  body: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  map: 'application/json; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  woff2: 'font/woff2',
};

/**
 * Reads the console's files from its build folder. Only a single file name under assets/ (no
 * separator, no `..`) is ever looked up, so no request can reach outside the folder; anything
 * else is the page, whose client-side router shows the screen.
 */
export class ConsoleFiles {
  constructor(private readonly dir: string) {}

  /** `name` of /console/assets/<name>; undefined when there is no such asset. */
  async asset(name: string): Promise<ConsoleFile | undefined> {
    if (!/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,200}$/.test(name)) return undefined;
    const extension = name.slice(name.lastIndexOf('.') + 1);
    // Own keys only: `x.constructor` names no type.
    const type = Object.hasOwn(TYPES, extension) ? TYPES[extension] : undefined;
    if (!type) return undefined;
    const body = await readFile(join(this.dir, 'assets', name)).catch(() => undefined);
    return body && { body, type };
  }

  /** index.html, or undefined when the console has not been built. */
  async page(): Promise<ConsoleFile | undefined> {
    const body = await readFile(join(this.dir, 'index.html')).catch(() => undefined);
    return body && { body, type: 'text/html; charset=utf-8' };
  }
}
