import { render, screen, within } from '@testing-library/preact';
import { StackedBarChart } from './stacked-bar-chart';

describe('StackedBarChart', () => {
  const series = [
    { name: 'authorization_code', values: [2, 0, 5] },
    { name: 'refresh_token', values: [1, 0, 0] },
  ];

  it('is an image named by its title and described by a summary of its numbers', () => {
    render(<StackedBarChart title="Tokens issued" unit="tokens" labels={['08:00', '08:01', '08:02']} series={series} />);
    const image = screen.getByRole('img', { name: 'Tokens issued' });
    expect(image.getAttribute('aria-describedby')).toBeTruthy();
    const description = document.getElementById(image.getAttribute('aria-describedby') ?? '');
    expect(description?.textContent).toBe('8 tokens in total; authorization_code: 7, refresh_token: 1. Busiest bucket 08:02 with 5.');
    // One bar segment per non-zero value, stacked: no inline style, a class per series.
    const bars = image.querySelectorAll('rect');
    expect([...bars].map((b) => b.getAttribute('class'))).toEqual(['series-0', 'series-1', 'series-0']);
    expect(image.querySelector('[style]')).toBeNull();
  });

  it('offers the same numbers as a table, one row per bucket with events', () => {
    render(<StackedBarChart title="Tokens issued" unit="tokens" labels={['08:00', '08:01', '08:02']} series={series} />);
    const table = screen.getByRole('table', { name: 'Tokens issued' });
    const rows = within(table).getAllByRole('row').map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent));
    expect(rows).toEqual([
      ['Time', 'authorization_code', 'refresh_token', 'Total'],
      ['08:00', '2', '1', '3'],
      ['08:02', '5', '0', '5'],
    ]);
  });

  it('says so when the window is empty', () => {
    render(<StackedBarChart title="Denials" unit="denials" labels={['08:00']} series={[]} />);
    expect(screen.getByRole('img', { name: 'Denials' }).querySelector('desc')?.textContent).toBe('No denials in this window.');
  });
});
