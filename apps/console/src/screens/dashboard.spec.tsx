import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import type { AuditStats } from '@portcullis/contracts';
import type { AuditApi } from '../api/audit-api';
import { Dashboard, WINDOWS } from './dashboard';

/** The audit API as the dashboard uses it, answering from a fixed set of buckets. */
function fakeAudit(calls: { from: Date; to: Date; bucket: number }[], fail = false): AuditApi {
  return {
    async stats(from: Date, to: Date, bucket: number): Promise<AuditStats> {
      calls.push({ from, to, bucket });
      if (fail) throw new Error('insufficient_scope');
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        bucket_seconds: bucket,
        buckets: [
          {
            start: from.toISOString(),
            tokens_issued: [{ grant_type: 'client_credentials', count: 4 }],
            denials: [{ type: 'mcp.request.denied', reason: 'insufficient_scope', count: 2 }],
            tool_calls: [{ tool: 'echo', outcome: 'success', count: 3 }],
            pipeline_lag_ms: { p50: 12, p95: 40, events: 9 },
          },
        ],
      };
    },
  } as unknown as AuditApi;
}

describe('Dashboard', () => {
  const now = () => new Date('2026-11-28T09:00:00Z');

  it('draws the four charts for the last hour by default, each with its summary', async () => {
    const calls: { from: Date; to: Date; bucket: number }[] = [];
    render(<Dashboard audit={fakeAudit(calls)} now={now} />);
    expect(await screen.findByRole('img', { name: 'Tokens issued, by grant type' })).toBeTruthy();
    expect(calls).toEqual([{ from: new Date('2026-11-28T08:00:00Z'), to: new Date('2026-11-28T09:00:00Z'), bucket: 60 }]);
    const names = screen.getAllByRole('img').map((img) => img.querySelector('desc')?.textContent);
    expect(names).toEqual([
      expect.stringContaining('4 tokens in total; client_credentials: 4'),
      expect.stringContaining('2 denials in total; insufficient_scope: 2'),
      expect.stringContaining('3 tool calls in total; echo (success): 3'),
      expect.stringMatching(/^Highest p95 lag 40 ms at .+ \(p50 there 12 ms\), over 1 bucket with events\.$/),
    ]);
  });

  it('asks again for the chosen window with its bucket size', async () => {
    const calls: { from: Date; to: Date; bucket: number }[] = [];
    render(<Dashboard audit={fakeAudit(calls)} now={now} />);
    await screen.findAllByRole('img');
    fireEvent.change(screen.getByLabelText('Window'), { target: { value: '3' } });
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(calls[1]).toEqual({ from: new Date(now().getTime() - WINDOWS[3].ms), to: now(), bucket: WINDOWS[3].bucket });
  });

  it('says why when the numbers do not load', async () => {
    render(<Dashboard audit={fakeAudit([], true)} now={now} />);
    expect((await screen.findByRole('alert')).textContent).toBe('The numbers did not load: insufficient_scope');
  });
});
