import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type MessageTap, sseTap, tapJsonAnswer } from './json-rpc-tap';

const dropSecret: MessageTap = (m) => {
  const result = m['result'] as { tools?: { name: string }[] } | undefined;
  if (!result?.tools) return m;
  return { ...m, result: { tools: result.tools.filter((t) => t.name !== 'secret') } };
};

async function run(tap: ReturnType<typeof sseTap>, chunks: string[]): Promise<{ out: string; arrivals: string[] }> {
  const arrivals: string[] = [];
  let out = '';
  tap.on('data', (d: Buffer | string) => {
    arrivals.push(d.toString());
    out += d.toString();
  });
  await pipeline(Readable.from(chunks.map((c) => Buffer.from(c))), tap);
  return { out, arrivals };
}

const list = JSON.stringify({ jsonrpc: '2.0', id: 2, result: { tools: [{ name: 'echo' }, { name: 'secret' }] } });

describe('SSE tap', () => {
  it('rewrites the event that carries a tapped message, keeping its id and event fields', async () => {
    const { out } = await run(sseTap(dropSecret), [`event: message\nid: e1\ndata: ${list}\n\n`]);
    expect(out).toBe(`event: message\nid: e1\ndata: {"jsonrpc":"2.0","id":2,"result":{"tools":[{"name":"echo"}]}}\n\n`);
  });

  it('passes other events byte for byte, as they complete, even split mid-character and mid-line', async () => {
    const progress = 'event: message\r\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{"note":"é"}}\r\n\r\n';
    const bytes = Buffer.from(progress);
    const cut = bytes.indexOf(Buffer.from('é')) + 1;
    const tap = sseTap(dropSecret);
    const arrivals: string[] = [];
    tap.on('data', (d: Buffer | string) => arrivals.push(d.toString()));
    tap.write(bytes.subarray(0, cut));
    tap.write(bytes.subarray(cut));
    expect(arrivals.join('')).toBe(progress);
    tap.write(Buffer.from(': keep-alive\n\n'));
    expect(arrivals.join('')).toBe(`${progress}: keep-alive\n\n`);
    tap.end();
  });

  it('joins multi-line data and leaves data that is not JSON alone', async () => {
    const { out } = await run(sseTap(dropSecret), ['data: not json\n\n', `data: ${list.slice(0, 17)}\ndata: ${list.slice(17)}\n\n`]);
    expect(out).toBe('data: not json\n\ndata: {"jsonrpc":"2.0","id":2,"result":{"tools":[{"name":"echo"}]}}\n\n');
  });
});

describe('holding output', () => {
  it('passes an event on only once beforeWrite resolves', async () => {
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const tap = sseTap((m) => m, () => gate);
    const arrivals: string[] = [];
    tap.on('data', (d: Buffer | string) => arrivals.push(d.toString()));
    tap.write(Buffer.from(`data: ${list}\n\n`));
    await new Promise((r) => setImmediate(r));
    expect(arrivals).toEqual([]);
    open();
    await new Promise((r) => setImmediate(r));
    expect(arrivals.join('')).toBe(`data: ${list}\n\n`);
    tap.end();
  });
});

describe('JSON tap', () => {
  it('rewrites a tapped message and passes an untouched batch, or a body that is not JSON, byte for byte', () => {
    expect(JSON.parse(tapJsonAnswer(Buffer.from(list), dropSecret).toString())).toEqual({ jsonrpc: '2.0', id: 2, result: { tools: [{ name: 'echo' }] } });
    const batch = Buffer.from('[ {"jsonrpc":"2.0","id":1,"result":{}} ]');
    expect(tapJsonAnswer(batch, dropSecret)).toBe(batch);
    const notJson = Buffer.from('{"jsonrpc":');
    expect(tapJsonAnswer(notJson, dropSecret)).toBe(notJson);
  });
});
