// Plain-text tables for benchmark output.

/**
 * Formats rows as an aligned text table. `columns` is a list of `{ key, title, align? }`
 * (align 'left' | 'right'; numbers default to right). Missing values print as '—'.
 */
export function formatTable(columns, rows) {
  const cell = (row, col) => {
    const v = row[col.key];
    if (v === undefined || v === null || (typeof v === 'number' && Number.isNaN(v))) return '—';
    return typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 2 }) : String(v);
  };
  const texts = rows.map((row) => columns.map((col) => cell(row, col)));
  const widths = columns.map((col, i) => Math.max(col.title.length, ...texts.map((t) => t[i].length)));
  const alignRight = columns.map((col) => col.align === 'right' || (col.align !== 'left' && rows.some((r) => typeof r[col.key] === 'number')));
  const pad = (text, i) => (alignRight[i] ? text.padStart(widths[i]) : text.padEnd(widths[i]));
  const line = (cells) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (alignRight[i] ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`)).join('|')}|`;
  return [line(columns.map((c) => c.title)), rule, ...texts.map(line)].join('\n');
}

export function printTable(columns, rows, out = process.stdout) {
  out.write(`${formatTable(columns, rows)}\n`);
}
