export * from './lib/scope-catalogue';
export * from './lib/resources';
