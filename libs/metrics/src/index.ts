export * from './lib/metrics-registry';
export * from './lib/sampled-gauge';
export * from './lib/metrics.settings';
export * from './lib/metrics.module';
