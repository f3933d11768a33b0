import fc from 'fast-check';
import { InvalidRequest } from '@portcullis/oauth';
import { MAX_FORM_PARAMETERS, MAX_VALUES_PER_NAME, parseForm, RawParams } from './form-body';

/*
 * Hostile-input suite for the one parser of form bodies and query strings (issue 9: a 64 KB
 * body of `a&a&a…` cost 8 s of CPU). Properties, not examples: whatever arrives, the parser
 * answers a parse or an invalid_request, agrees with the WHATWG parser where it accepts, and
 * costs time in proportion to the input.
 */

/** Characters that matter to the grammar, so that generated text hits its corners. */
const formChar = fc.constantFrom('a', 'b', '=', '&', '%', '+', '2', '0', 'Z', 'é', '\u0000', ';', '?', '#');
const formText = fc.oneof(fc.string({ unit: formChar, maxLength: 400 }), fc.string({ maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 200 }));

/** What parseForm must return for text it accepts: URLSearchParams' pairs, grouped by name. */
function grouped(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const prev = Object.prototype.hasOwnProperty.call(out, key) ? out[key] : undefined;
    Object.defineProperty(out, key, {
      value: prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function plain(params: RawParams): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params));
}

describe('parseForm under hostile input (fast-check)', () => {
  it('never throws anything but the OAuth invalid_request', () => {
    fc.assert(
      fc.property(formText, (text) => {
        try {
          parseForm(text);
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidRequest);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with URLSearchParams on well-formed input within the caps', () => {
    const name = fc.oneof(fc.constantFrom('scope', 'client_id', 'resource', '__proto__', 'constructor', 'a b', 'ä'), fc.string({ maxLength: 12 }));
    const pairs = fc
      .array(fc.tuple(name, fc.string({ maxLength: 40 })), { maxLength: MAX_FORM_PARAMETERS })
      .filter((list) => {
        const counts = new Map<string, number>();
        for (const [k] of list) counts.set(k, (counts.get(k) ?? 0) + 1);
        return [...counts.values()].every((n) => n <= MAX_VALUES_PER_NAME);
      });
    fc.assert(
      fc.property(pairs, (list) => {
        const text = new URLSearchParams(list).toString();
        expect(plain(parseForm(text))).toEqual(grouped(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses exactly the input over a cap, whatever the names', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 4 * MAX_FORM_PARAMETERS }), (key, n) => {
        const text = new URLSearchParams(Array.from({ length: n }, (): [string, string] => [key, 'v'])).toString();
        if (n <= MAX_VALUES_PER_NAME) expect(parseForm(text)[key]).toEqual(n === 1 ? 'v' : Array(n).fill('v'));
        else expect(() => parseForm(text)).toThrow(InvalidRequest);
      }),
    );
  });
});

/**
 * Median time of one parse of `text` (a refusal included): each sample repeats the parse for
 * at least 20 ms so that fast answers are measurable. Compared between sizes 1x and 8x as a
 * ratio, it says linear or not on any machine: linear work gives about 8, the old quadratic
 * copy of repeated values gave 64.
 */
function costPerParse(text: string, samples = 5): number {
  const budget = 20_000_000n;
  const perParse: number[] = [];
  for (let s = 0; s < samples; s++) {
    const start = process.hrtime.bigint();
    let parses = 0;
    let elapsed = 0n;
    do {
      try {
        parseForm(text);
      } catch {
        /* a refusal costs time too, which is what is measured */
      }
      parses++;
      elapsed = process.hrtime.bigint() - start;
    } while (elapsed < budget);
    perParse.push(Number(elapsed) / parses);
  }
  return perParse.sort((a, b) => a - b)[Math.floor(samples / 2)];
}

describe('parseForm cost grows linearly with the input', () => {
  const shapes: Record<string, (units: number) => string> = {
    'one name repeated (a&a&a…)': (units) => `${'a&'.repeat(units - 1)}a`,
    'distinct names (p0&p1&…)': (units) => Array.from({ length: units }, (_, i) => `p${i}`).join('&'),
    'few parameters with long values': (units) => `a=${'x'.repeat(units * 4)}&b=${'%41'.repeat(units)}&c=${'+'.repeat(units)}`,
    'one long run of separators': (units) => '&'.repeat(units * 4),
  };

  it.each(Object.keys(shapes))('%s: 8x the input costs less than 16x the time', (shape) => {
    const make = shapes[shape];
    const small = make(1024);
    const large = make(8 * 1024);
    costPerParse(small, 1); // warm up the JIT so that neither size pays for compilation
    const ratio = costPerParse(large) / costPerParse(small);
    expect(ratio).toBeLessThan(16);
  });
});
