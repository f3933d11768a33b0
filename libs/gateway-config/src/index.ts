export * from './lib/gateway-file.schema';
export * from './lib/gateway-file';
export * from './lib/tool-policy';
