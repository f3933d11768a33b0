import { z } from 'zod';

/** Exchange ticker symbols: 1–10 letters/digits, an optional class suffix (BRK.B). */
export const tickerSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z][A-Z0-9]{0,9}(\.[A-Z])?$/, 'must be a ticker symbol such as ACME or BRK.B');
