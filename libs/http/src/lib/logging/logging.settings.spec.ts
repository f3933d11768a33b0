import { resolveLogging } from './logging.settings';

describe('resolveLogging', () => {
  it('defaults to pretty on a terminal and JSON otherwise', () => {
    expect(resolveLogging({}, {}, true).logFormat).toBe('pretty');
    expect(resolveLogging({}, {}, false).logFormat).toBe('json');
  });

  it('keeps tests quiet (errors only) unless LOG_LEVEL says otherwise', () => {
    expect(resolveLogging({}, { NODE_ENV: 'test' }, false).logLevel).toBe('error');
    expect(resolveLogging({}, { NODE_ENV: 'production' }, false).logLevel).toBe('info');
    expect(resolveLogging({ logLevel: 'debug', logFormat: 'pretty' }, { NODE_ENV: 'test' }, false)).toEqual({ logLevel: 'debug', logFormat: 'pretty' });
  });
});
