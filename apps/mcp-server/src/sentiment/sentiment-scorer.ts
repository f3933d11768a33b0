import { FINANCE_PHRASES, FINANCE_WORDS, INTENSIFIERS, NEGATORS } from './lexicon/finance-lexicon';

export type SentimentLabel = 'positive' | 'negative' | 'neutral';

export interface SentimentDriver {
  term: string;
  /** Contribution to the raw sum, after negation and intensity. */
  weight: number;
}

export interface SentimentScore {
  /** In [-1, 1]: the raw sum squashed (and rounded to 3 places) so long texts do not run away. */
  score: number;
  label: SentimentLabel;
  drivers: SentimentDriver[];
}

/** A score within ±NEUTRAL_BAND of 0 is neutral. */
export const NEUTRAL_BAND = 0.05;
/** Squashing constant: a raw sum of ±3.9 maps to ±0.7. */
const ALPHA = 15;
/** How many tokens a negator or intensifier reaches forward. */
const REACH = 3;

const PHRASES = new Map<string, { tokens: string[]; weight: number }[]>();
for (const [phrase, weight] of Object.entries(FINANCE_PHRASES)) {
  const tokens = tokenize(phrase);
  const list = PHRASES.get(tokens[0]) ?? [];
  list.push({ tokens, weight });
  list.sort((a, b) => b.tokens.length - a.tokens.length);
  PHRASES.set(tokens[0], list);
}

function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+(?:['’-][a-z0-9]+)*/g)?.map((t) => t.replace('’', "'")) ?? [];
}

/**
 * Scores financial text with the curated lexicon: phrases first (longest match), then words;
 * a negator shortly before a term flips it, an intensifier scales it. Deterministic and
 * explainable: `drivers` lists every term that moved the score.
 */
export function scoreSentiment(text: string): SentimentScore {
  const tokens = tokenize(text);
  const drivers: SentimentDriver[] = [];
  let negateUntil = -1;
  let intensity = 1;
  let intensifyUntil = -1;
  let sum = 0;
  for (let i = 0; i < tokens.length; ) {
    const token = tokens[i];
    let matched: { term: string; weight: number; length: number } | undefined;
    for (const phrase of PHRASES.get(token) ?? []) {
      if (phrase.tokens.every((t, k) => tokens[i + k] === t)) {
        matched = { term: phrase.tokens.join(' '), weight: phrase.weight, length: phrase.tokens.length };
        break;
      }
    }
    if (!matched && Object.hasOwn(FINANCE_WORDS, token)) matched = { term: token, weight: FINANCE_WORDS[token], length: 1 };
    if (matched) {
      let weight = matched.weight;
      if (i <= intensifyUntil) weight *= intensity;
      if (i <= negateUntil) weight = -weight * 0.75;
      weight = Math.round(weight * 100) / 100;
      sum += weight;
      drivers.push({ term: matched.term, weight });
      negateUntil = -1;
      intensifyUntil = -1;
      i += matched.length;
      continue;
    }
    if (NEGATORS.has(token)) negateUntil = i + REACH;
    if (Object.hasOwn(INTENSIFIERS, token)) {
      intensity = INTENSIFIERS[token];
      intensifyUntil = i + REACH;
    }
    i += 1;
  }
  const score = sum === 0 ? 0 : Math.round((sum / Math.sqrt(sum * sum + ALPHA)) * 1000) / 1000;
  const label: SentimentLabel = score >= NEUTRAL_BAND ? 'positive' : score <= -NEUTRAL_BAND ? 'negative' : 'neutral';
  drivers.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
  return { score, label, drivers };
}
