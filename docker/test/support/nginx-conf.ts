import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCKER_DIR } from './paths';

export const NGINX_CONF_PATH = join(DOCKER_DIR, 'nginx', 'mcp-lb.conf');
export const GATEWAY_LB_CONF_PATH = join(DOCKER_DIR, 'nginx', 'gateway-lb.conf');

/** The directives of an nginx config as [path of enclosing blocks, name, args], comments dropped. */
export interface Directive {
  context: string[];
  name: string;
  args: string[];
}

export function parseNginxConf(text = readFileSync(NGINX_CONF_PATH, 'utf8')): Directive[] {
  const tokens = text
    .split('\n')
    .map((line) => line.replace(/#.*$/, ''))
    .join('\n')
    .match(/"[^"]*"|[{};]|[^\s{};]+/g) ?? [];
  const directives: Directive[] = [];
  const context: string[] = [];
  let words: string[] = [];
  for (const token of tokens) {
    if (token === ';') {
      if (words.length) directives.push({ context: [...context], name: words[0], args: words.slice(1) });
      words = [];
    } else if (token === '{') {
      directives.push({ context: [...context], name: words[0], args: words.slice(1) });
      context.push([words[0], ...words.slice(1)].join(' '));
      words = [];
    } else if (token === '}') {
      context.pop();
    } else {
      words.push(token);
    }
  }
  if (context.length || words.length) throw new Error('unbalanced nginx config');
  return directives;
}
