import { request as httpRequest } from 'node:http';
import { Browser } from '@portcullis/testing';

/**
 * A Browser whose connections leave from a given loopback address (any of 127.0.0.0/8 on
 * Linux), so the server sees distinct client addresses without trusting X-Forwarded-For.
 * fetch() cannot choose its local address; node:http can.
 */
export class BrowserAtAddress extends Browser {
  constructor(
    origin: string,
    private readonly localAddress: string,
  ) {
    super(origin);
  }

  protected override send(url: string | URL, init: RequestInit): Promise<Response> {
    const target = new URL(url);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, key) => (headers[key] = value));
    const body = typeof init.body === 'string' ? init.body : undefined;
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    return new Promise((resolve, reject) => {
      const req = httpRequest(target, { method: init.method ?? 'GET', headers, localAddress: this.localAddress }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const out = new Headers();
          for (const [key, value] of Object.entries(res.headers)) {
            for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) out.append(key, v);
          }
          resolve(new Response(res.statusCode === 204 || res.statusCode === 304 ? null : Buffer.concat(chunks), { status: res.statusCode, headers: out }));
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}
