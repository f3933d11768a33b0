import { isDependencyUnavailable } from './dependency-unavailable';

function withCode(code: string, message = 'x'): Error {
  return Object.assign(new Error(message), { code });
}

describe('isDependencyUnavailable', () => {
  it.each([
    ['PostgreSQL admin shutdown (57P01)', withCode('57P01', 'terminating connection due to administrator command')],
    ['PostgreSQL cannot connect now (57P03)', withCode('57P03', 'the database system is starting up')],
    ['a connection exception (class 08)', withCode('08006')],
    ['too many connections (53300)', withCode('53300')],
    ['connection refused', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['connection reset', withCode('ECONNRESET')],
    ['a connection terminated by node-postgres', new Error('Connection terminated unexpectedly')],
    ['a pg-pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['SQLITE_BUSY', withCode('SQLITE_BUSY', 'database is locked')],
    ['a TypeORM QueryFailedError around a terminated connection', Object.assign(new Error('Connection terminated unexpectedly'), { name: 'QueryFailedError', driverError: new Error('Connection terminated unexpectedly') })],
    ['a TypeORM QueryFailedError around 57P01', Object.assign(new Error('terminating'), { name: 'QueryFailedError', driverError: withCode('57P01') })],
    ['an AggregateError of refused addresses', Object.assign(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]), { code: undefined })],
    ['an error caused by a refused connection', new Error('failed', { cause: withCode('ECONNREFUSED') })],
  ])('recognises %s', (_name, error) => {
    expect(isDependencyUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation (23505)', withCode('23505', 'duplicate key value violates unique constraint')],
    ['a syntax error (42601)', withCode('42601')],
    ['a TypeError (a bug)', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['SQLITE_CONSTRAINT', withCode('SQLITE_CONSTRAINT')],
    ['a string', 'ECONNREFUSED'],
    ['undefined', undefined],
  ])('does not treat %s as an outage', (_name, error) => {
    expect(isDependencyUnavailable(error)).toBe(false);
  });

  it('stops on a cycle of causes', () => {
    const a: Record<string, unknown> = { message: 'a' };
    a.cause = a;
    expect(isDependencyUnavailable(a)).toBe(false);
  });
});
