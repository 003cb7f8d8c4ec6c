/**
 * Durations, sizes and times as people read them, the same in the terminal (the CLI, the progress
 * bar) and in the browser (the dashboard loads this module's compiled file as it is). So it must
 * stay plain JavaScript once compiled: no import, nothing of Node.
 */

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const KB = 1024; // bytes; memory limits are in MB of 1024 * 1024 bytes, so sizes read the same way

/** `850 ms`, `1.25 s`, `42.5 s`, `3 min 5 s`, `2 h 7 min`; `-` when there is no duration. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms < SECOND_MS) return `${Math.round(ms)} ms`;
  if (ms < 10 * SECOND_MS) return `${(ms / SECOND_MS).toFixed(2)} s`;
  if (ms < MINUTE_MS) return `${(ms / SECOND_MS).toFixed(1)} s`;
  if (ms < HOUR_MS) return `${Math.floor(ms / MINUTE_MS)} min ${Math.floor((ms % MINUTE_MS) / SECOND_MS)} s`;
  return `${Math.floor(ms / HOUR_MS)} h ${Math.floor((ms % HOUR_MS) / MINUTE_MS)} min`;
}

/** `512 B`, `1.5 KB`, `24.1 MB`, `3.75 GB`; `-` when there is no size. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '-';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= KB && unit < units.length - 1) {
    value /= KB;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** A job's peak memory and the limit it was held to: `24.1 MB (limit 300 MB)`. */
export function formatMemory(bytes: number | undefined, limitMb: number | undefined): string {
  return limitMb === undefined ? formatBytes(bytes) : `${formatBytes(bytes)} (limit ${limitMb} MB)`;
}

/** Local time as `2026-11-25 17:09:29`; `-` when there is no time. */
export function formatTimestamp(epochMs: number | undefined): string {
  if (epochMs === undefined || !Number.isFinite(epochMs)) return '-';
  const at = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
}
