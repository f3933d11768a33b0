// Small statistics helpers for benchmark figures.

/**
 * The p-th percentile (0–100) of a list of numbers, nearest-rank method: the smallest value
 * such that at least p % of the values are less than or equal to it. Undefined for an empty list.
 */
export function percentile(values, p) {
  if (values.length === 0) return undefined;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const sorted = Float64Array.from(values).sort();
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** The middle value (mean of the two middle values for an even count). */
export function median(values) {
  if (values.length === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** a / b, or undefined when either side is missing or b is zero. */
export function ratio(a, b) {
  if (typeof a !== 'number' || typeof b !== 'number' || b === 0) return undefined;
  return a / b;
}

/** Rounds to `digits` decimals; passes undefined through. */
export function round(value, digits = 0) {
  if (typeof value !== 'number' || Number.isNaN(value)) return undefined;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
