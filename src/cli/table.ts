/**
 * Rows of text as aligned columns, for a terminal: two spaces between columns, numbers to the
 * right. A cell is one line: any control in it (a line feed, a tab, an escape) is shown escaped.
 */
import { escapeLine } from './terminal-text.js';

export interface Column {
  readonly header: string;
  readonly align?: 'left' | 'right';
}

/** Without `columns`, the rows are printed without a header line, every column to the left. */
export function renderTable(rows: readonly (readonly string[])[], columns?: readonly Column[]): string {
  const cells = rows.map((row) => row.map(escapeLine));
  const all = columns ? [columns.map((column) => column.header), ...cells] : cells;
  const widths: number[] = [];
  for (const row of all) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const lines = all.map((row) =>
    row
      .map((cell, i) => {
        const last = i === row.length - 1;
        if (columns?.[i]?.align === 'right') return cell.padStart(widths[i]!);
        return last ? cell : cell.padEnd(widths[i]!);
      })
      .join('  '),
  );
  return lines.join('\n');
}
