import { ArgumentsHost, ServiceUnavailableException } from '@nestjs/common';
import { InvalidGrant } from '@portcullis/oauth';
import { OAuthExceptionFilter } from './oauth-exception.filter';

interface Sent {
  status?: number;
  headers: Record<string, string>;
  body?: unknown;
}

function render(exception: unknown): Sent {
  const sent: Sent = { headers: {} };
  const reply = {
    sent: false,
    code(status: number) {
      sent.status = status;
      return reply;
    },
    headers(h: Record<string, string>) {
      Object.assign(sent.headers, h);
      return reply;
    },
    type() {
      return reply;
    },
    send(body: unknown) {
      sent.body = body;
      return reply;
    },
  };
  const request = { method: 'POST', url: '/token?x=1', headers: {}, body: {}, query: {}, routeOptions: { url: '/token' } };
  const host = { switchToHttp: () => ({ getResponse: () => reply, getRequest: () => request }) } as unknown as ArgumentsHost;
  new OAuthExceptionFilter().catch(exception, host);
  return sent;
}

describe('OAuthExceptionFilter', () => {
  it('renders an OAuth error as RFC 6749 §5.2 JSON', () => {
    const sent = render(new InvalidGrant('refresh token is invalid'));
    expect(sent).toMatchObject({ status: 400, body: { error: 'invalid_grant' }, headers: { 'cache-control': 'no-store' } });
  });

  it('answers a lost database connection with 503 temporarily_unavailable and Retry-After, not 500', () => {
    const lost = Object.assign(new Error('Connection terminated unexpectedly'), { name: 'QueryFailedError', query: 'SELECT secret', parameters: ['digest'] });
    const sent = render(lost);
    expect(sent.status).toBe(503);
    expect(sent.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });
    expect(sent.headers['Retry-After']).toMatch(/^\d+$/);
    expect(JSON.stringify(sent.body)).not.toMatch(/SELECT|digest|Connection terminated/);
  });

  it('renders a health check that is not ready as 503 with its report and Retry-After', () => {
    const report = { status: 'error', info: {}, error: { database: { status: 'down' } }, details: { database: { status: 'down' } } };
    const sent = render(new ServiceUnavailableException(report));
    expect(sent).toMatchObject({ status: 503, body: report });
    expect(sent.headers['Retry-After']).toMatch(/^\d+$/);
  });

  it('keeps any other failure a 500 without detail', () => {
    const sent = render(new TypeError("Cannot read properties of undefined (reading 'x')"));
    expect(sent).toMatchObject({ status: 500, body: { error: 'server_error' } });
  });
});
