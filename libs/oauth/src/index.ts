export * from './lib/authorization-response';
export * from './lib/oauth-error';
export * from './lib/pkce';
export * from './lib/redirect-uri-matcher';
export * from './lib/resource-indicator';
export * from './lib/scope-string';
export * from './lib/secret-compare';
export * from './lib/www-authenticate';
