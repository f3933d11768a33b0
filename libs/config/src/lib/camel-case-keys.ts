/**
 * Environment variables keep their public SCREAMING_CASE names (ARCHITECTURE.md, README);
 * the code reads the same settings in camelCase. One rule maps one to the other, at the type
 * level and at run time alike, so no app copies its settings key by key.
 */

/** `ACCESS_TOKEN_TTL` → `accessTokenTtl`, `PORT` → `port`. */
export type CamelCase<Name extends string> = Name extends `${infer Word}_${infer Rest}`
  ? `${Lowercase<Word>}${Capitalize<CamelCase<Rest>>}`
  : Lowercase<Name>;

/** The same object type with every key in camelCase. */
export type CamelCaseKeys<Env> = { [Key in keyof Env & string as CamelCase<Key>]: Env[Key] };

/** Run-time twin of {@link CamelCase}. */
export function camelCase<Name extends string>(name: Name): CamelCase<Name> {
  return name.toLowerCase().replace(/_([a-z0-9])/g, (_, first: string) => first.toUpperCase()) as CamelCase<Name>;
}

/** A copy of `env` with every key in camelCase; the values are untouched. */
export function camelCaseKeys<Env extends Record<string, unknown>>(env: Env): CamelCaseKeys<Env> {
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [camelCase(name), value])) as CamelCaseKeys<Env>;
}
