import { scoreSentiment } from './sentiment-scorer';
import labelled from './labelled-headlines.json';

describe('scoreSentiment', () => {
  it('weights finance phrases over their words', () => {
    const result = scoreSentiment('Globex guidance raised for 2026');
    expect(result.label).toBe('positive');
    expect(result.drivers).toEqual([{ term: 'guidance raised', weight: 3.5 }]);
  });

  it('reads distress terms as strongly negative', () => {
    const result = scoreSentiment('Vandelay defaults on its bonds');
    expect(result.label).toBe('negative');
    expect(result.score).toBeLessThan(-0.5);
  });

  it('flips a term after a negator', () => {
    expect(scoreSentiment('Results did not beat estimates').label).toBe('negative');
    expect(scoreSentiment('No bankruptcy expected, lender says').score).toBeGreaterThan(0);
  });

  it('scales a term after an intensifier', () => {
    const plain = scoreSentiment('Shares fall').score;
    const sharp = scoreSentiment('Shares sharply fall').score;
    expect(sharp).toBeLessThan(plain);
  });

  it('is neutral without sentiment-bearing terms, and for empty text', () => {
    expect(scoreSentiment('Company schedules annual meeting')).toEqual({ score: 0, label: 'neutral', drivers: [] });
    expect(scoreSentiment('').label).toBe('neutral');
  });

  it('keeps the score within [-1, 1] for long texts', () => {
    const text = 'beat estimates surges soars rally record revenue '.repeat(50);
    const { score } = scoreSentiment(text);
    expect(score).toBeLessThanOrEqual(1);
    expect(score).toBeGreaterThan(0.99);
  });

  it('labels the labelled headline set with at least 85% accuracy', () => {
    const wrong: string[] = [];
    for (const { text, label } of labelled) {
      const got = scoreSentiment(text).label;
      if (got !== label) wrong.push(`${label} → ${got}: ${text}`);
    }
    const accuracy = (labelled.length - wrong.length) / labelled.length;
    // Printed so the figure can be reported; the assertion keeps the lexicon honest.
    process.stdout.write(`labelled headlines: ${labelled.length}, accuracy ${(accuracy * 100).toFixed(1)}%\n${wrong.join('\n')}\n`);
    expect(labelled.length).toBeGreaterThanOrEqual(60);
    expect(accuracy).toBeGreaterThanOrEqual(0.85);
  });
});
