import { configProblems, developmentSwitches, parseConfig } from '@portcullis/config';
import { auditConfigSchema, auditEnvironment } from './audit-config';

describe('audit-service configuration', () => {
  it('has the public-contract defaults, in camelCase', () => {
    const config = parseConfig(auditConfigSchema, {});
    expect(config).toMatchObject({
      port: 3100,
      host: '0.0.0.0',
      issuerUrl: 'http://localhost:9000',
      resourceUrl: 'http://localhost:3100/audit',
      revocationsUrl: 'http://localhost:9000/revocations',
      auditIngestProducers: [],
      trustProxy: false,
    });
    expect(Object.keys(config).filter((key) => /[A-Z]{2}|_/.test(key))).toEqual([]);
  });

  it('takes RESOURCE_URL over AUDIT_RESOURCE_URL, and REVOCATIONS_URL over the issuer’s list', () => {
    expect(parseConfig(auditConfigSchema, { AUDIT_RESOURCE_URL: 'https://audit.example.com/a' }).resourceUrl).toBe('https://audit.example.com/a');
    const both = parseConfig(auditConfigSchema, { AUDIT_RESOURCE_URL: 'https://audit.example.com/a', RESOURCE_URL: 'https://audit.example.com/b' });
    expect(both.resourceUrl).toBe('https://audit.example.com/b');
    expect(parseConfig(auditConfigSchema, { ISSUER_URL: 'https://auth.example.com' }).revocationsUrl).toBe('https://auth.example.com/revocations');
    expect(parseConfig(auditConfigSchema, { REVOCATIONS_URL: 'https://auth.example.com/r' }).revocationsUrl).toBe('https://auth.example.com/r');
  });

  it('lets the console origins call the query API: the issuer’s origin unless CONSOLE_ORIGINS names others', () => {
    expect(parseConfig(auditConfigSchema, { ISSUER_URL: 'https://auth.example.com/tenant' }).consoleOrigins).toEqual(['https://auth.example.com']);
    expect(parseConfig(auditConfigSchema, { CONSOLE_ORIGINS: 'https://a.example.com, http://localhost:9000' }).consoleOrigins).toEqual(['https://a.example.com', 'http://localhost:9000']);
    for (const bad of ['https://a.example.com/console', '*', 'ftp://a.example.com', ' , ']) {
      expect(configProblems(auditConfigSchema, { CONSOLE_ORIGINS: bad })).toEqual([expect.stringContaining('CONSOLE_ORIGINS')]);
    }
  });

  it.each([
    ['AUDIT_BATCH_MAX', '0'],
    ['AUDIT_RETENTION_DAYS', '0'],
    ['AUDIT_RETENTION_DAYS', '7d'],
    ['AUDIT_INGEST_PRODUCERS', 'no-credential'],
    ['BROKER_URL', 'http://x'],
    ['TRUST_PROXY', 'true'],
  ])('refuses %s=%s with one line naming the variable', (name, value) => {
    expect(configProblems(auditConfigSchema, { [name]: value })).toEqual([expect.stringMatching(new RegExp(`^config: ${name}: `))]);
  });

  it('keeps every event unless AUDIT_RETENTION_DAYS says how many days', () => {
    expect(parseConfig(auditConfigSchema, {}).auditRetentionDays).toBeUndefined();
    expect(parseConfig(auditConfigSchema, { AUDIT_RETENTION_DAYS: '90' }).auditRetentionDays).toBe(90);
  });

  it('has no development-only switch: production accepts every setting it accepts elsewhere', () => {
    expect(developmentSwitches(auditEnvironment)).toEqual([]);
    expect(parseConfig(auditConfigSchema, { NODE_ENV: 'production' }).nodeEnv).toBe('production');
  });
});
