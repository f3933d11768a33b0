export * from './lib/create-http-app';
export * from './lib/form-body';
export * from './lib/oauth-exception.filter';
export * from './lib/dependency-unavailable';
export * from './lib/request-client';
export * from './lib/refusal-log';
export * from './lib/html-security-headers';
export * from './lib/health/database-health.controller';
