/** How figures are printed: numbers with their unit, and aligned tables for the terminal. */

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const threeDecimals = new Intl.NumberFormat('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 });

export const count = (n) => grouped.format(n);
export const jobsPerSecond = (rate) => `${grouped.format(rate)} jobs/s`;
export const micros = (us) => `${oneDecimal.format(us)} µs`;
export const millis = (ms) => `${oneDecimal.format(ms)} ms`;
export const seconds = (ms) => `${oneDecimal.format(ms / 1000)} s`;
export const bytes = (b) => `${oneDecimal.format(b)} B`;
/** Two decimals, or three significant digits below 0.1, so that a tiny ratio does not print as 0.00x. */
export const ratio = (r) => `${r < 0.1 ? r.toPrecision(3) : twoDecimals.format(r)}x`;
export const fraction = (f) => threeDecimals.format(f);

/**
 * A table as text: the first column left-aligned (names), the others right-aligned (figures).
 * @param header column titles
 * @param rows arrays of strings, as long as the header
 */
export function table(header, rows) {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
