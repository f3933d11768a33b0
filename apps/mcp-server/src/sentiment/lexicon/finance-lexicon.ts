/**
 * A curated valence lexicon for financial news, written for this project. Weights run from
 * -4 (very negative for holders of the security) to +4. General-English sentiment lexicons
 * misread finance: "liability", "share" and "tax" are neutral here, "beat" and "default" are
 * strong, and "guidance raised" means something no single word does. Phrases are matched
 * before single words, longest first.
 */
export const FINANCE_PHRASES: Readonly<Record<string, number>> = {
  // Earnings versus expectations
  'beat estimates': 3,
  'beats estimates': 3,
  'tops estimates': 3,
  'topped estimates': 3,
  'above expectations': 2.5,
  'ahead of expectations': 2.5,
  'better than expected': 2.5,
  'better-than-expected': 2.5,
  'miss estimates': -3,
  'misses estimates': -3,
  'missed estimates': -3,
  'below expectations': -2.5,
  'worse than expected': -2.5,
  'worse-than-expected': -2.5,
  'falls short': -2.5,
  'fell short': -2.5,
  // Guidance
  'guidance raised': 3.5,
  'raises guidance': 3.5,
  'raised guidance': 3.5,
  'raises outlook': 3,
  'raised outlook': 3,
  'lifts outlook': 3,
  'lifts forecast': 3,
  'raises forecast': 3,
  'boosts forecast': 3,
  'guidance cut': -3.5,
  'cuts guidance': -3.5,
  'cut guidance': -3.5,
  'lowers guidance': -3.5,
  'lowered guidance': -3.5,
  'cuts outlook': -3,
  'cuts forecast': -3,
  'lowers forecast': -3,
  'profit warning': -3.5,
  'warns on profit': -3.5,
  // Analysts
  'price target raised': 2.5,
  'raises price target': 2.5,
  'price target cut': -2.5,
  'cuts price target': -2.5,
  'upgraded to buy': 3,
  'downgraded to sell': -3,
  'initiated at buy': 2,
  'initiated at sell': -2,
  // Capital return and balance sheet
  'share buyback': 2,
  'stock buyback': 2,
  'dividend hike': 2.5,
  'raises dividend': 2.5,
  'dividend increase': 2.5,
  'dividend cut': -3,
  'cuts dividend': -3,
  'suspends dividend': -3.5,
  'chapter 11': -4,
  'going concern': -3.5,
  'credit rating cut': -3,
  'junk status': -3,
  // Operations
  'record revenue': 3,
  'record profit': 3,
  'record quarter': 2.5,
  'all-time high': 2.5,
  'record high': 2.5,
  '52-week high': 2,
  '52-week low': -2,
  'job cuts': -2,
  'plant closure': -2,
  'data breach': -2.5,
  'accounting irregularities': -3.5,
  'sec investigation': -3,
  'class action': -2,
  'short seller': -2,
  'fda approval': 3,
  'wins approval': 2.5,
  'wins contract': 2.5,
  'supply chain disruption': -2,
};

export const FINANCE_WORDS: Readonly<Record<string, number>> = {
  // Price moves
  surge: 2.5, surges: 2.5, surged: 2.5, soar: 3, soars: 3, soared: 3, jump: 2, jumps: 2, jumped: 2,
  rally: 2, rallies: 2, rallied: 2, climb: 1.5, climbs: 1.5, climbed: 1.5, rise: 1, rises: 1, rose: 1,
  gain: 1.5, gains: 1.5, gained: 1.5, rebound: 1.5, rebounds: 1.5, advance: 1, advances: 1,
  plunge: -3, plunges: -3, plunged: -3, tumble: -2.5, tumbles: -2.5, tumbled: -2.5, slump: -2.5,
  slumps: -2.5, slumped: -2.5, sink: -2, sinks: -2, sank: -2, drop: -1.5, drops: -1.5, dropped: -1.5,
  fall: -1.5, falls: -1.5, fell: -1.5, slide: -1.5, slides: -1.5, slid: -1.5, decline: -1.5,
  declines: -1.5, declined: -1.5, crash: -3.5, crashes: -3.5, crashed: -3.5, selloff: -2.5,
  'sell-off': -2.5, slip: -1, slips: -1, slipped: -1,
  // Results
  beat: 2.5, beats: 2.5, tops: 2, miss: -2.5, misses: -2.5, missed: -2.5,
  profit: 1, profitable: 2, profitability: 1, loss: -2, losses: -2,
  growth: 1.5, grows: 1.5, grew: 1.5, strong: 1.5, stronger: 1.5, robust: 2, solid: 1.5,
  weak: -2, weaker: -2, weakness: -2, disappointing: -2.5, disappoints: -2.5, disappointed: -2.5,
  outperform: 2, outperforms: 2, outperformed: 2, underperform: -2, underperforms: -2,
  exceed: 2, exceeds: 2, exceeded: 2, record: 1, breakthrough: 2.5, momentum: 1,
  upbeat: 2, optimistic: 2, bullish: 2.5, bearish: -2.5, pessimistic: -2, cautious: -1,
  // Analysts
  upgrade: 2.5, upgrades: 2.5, upgraded: 2.5, downgrade: -2.5, downgrades: -2.5, downgraded: -2.5,
  overweight: 1.5, underweight: -1.5, buy: 0.5, sell: -0.5,
  // Distress
  default: -3.5, defaults: -3.5, defaulted: -3.5, bankruptcy: -4, bankrupt: -4, insolvency: -4,
  insolvent: -4, delisted: -3, delisting: -3, restructuring: -1.5, writedown: -2, 'write-down': -2,
  impairment: -2, layoffs: -2, layoff: -2, recall: -2, recalls: -2, lawsuit: -1.5, sued: -1.5,
  probe: -1.5, investigation: -1.5, fraud: -3.5, scandal: -3, fined: -2, penalty: -1.5,
  antitrust: -1, halt: -1.5, halts: -1.5, halted: -1.5, shortfall: -2, downturn: -2, recession: -2.5,
  volatile: -1, volatility: -1, uncertainty: -1.5, risk: -0.5, risks: -0.5, concern: -1,
  concerns: -1, fears: -1.5, fear: -1.5, warns: -2, warning: -2, plummets: -3, plummeted: -3,
  dilution: -1.5, dilutive: -1.5, downside: -1, headwinds: -1.5, headwind: -1.5,
  // Good corporate news
  approval: 1.5, approved: 1.5, acquire: 0.5, acquires: 0.5, partnership: 1, expands: 1,
  expansion: 1, launch: 0.5, launches: 0.5, buyback: 2, dividend: 0.5, tailwinds: 1.5, tailwind: 1.5,
  upside: 1, recovery: 1.5, recovers: 1.5, profits: 1, win: 1.5, wins: 1.5, boost: 1.5, boosts: 1.5,
  improves: 1.5, improved: 1.5, improvement: 1.5, innovative: 1, demand: 0.5, accelerates: 1.5,
};

/** Words that flip the valence of the next sentiment-bearing term within a short window. */
export const NEGATORS: ReadonlySet<string> = new Set([
  'not', 'no', 'never', "isn't", "wasn't", "aren't", "doesn't", "didn't", "don't", 'without', 'fails', 'failed', 'unable',
]);

/** Words that amplify the next sentiment-bearing term. */
export const INTENSIFIERS: Readonly<Record<string, number>> = {
  sharply: 1.5, significantly: 1.4, massive: 1.5, huge: 1.4, sharp: 1.4, steep: 1.4, deep: 1.3,
  strongly: 1.3, heavily: 1.3, dramatically: 1.5, slightly: 0.6, modestly: 0.7, marginally: 0.6,
};
