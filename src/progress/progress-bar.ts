/**
 * A one-line progress bar for a wait on many jobs (join, result) on a terminal: a bar, the done,
 * error and killed counts, the rate and the time left. It draws only when its stream is a TTY, and
 * at most once every REDRAW_INTERVAL_MS, so a million short jobs cost a few hundred writes, not a
 * million; the last counts it was given are always drawn, at the latest one interval later.
 */
import { formatDuration } from '../format/human-units.js';

const REDRAW_INTERVAL_MS = 100;
const DEFAULT_COLUMNS = 80; // when the stream does not tell its width
const BAR_WIDTH = { min: 10, max: 40 }; // characters
const ERASE_TO_END_OF_LINE = '\x1b[K';

/** How many of the jobs waited on have ended, and how. */
export interface ProgressCounts {
  total: number;
  done: number;
  error: number;
  killed: number;
  stalled: number;
}

/** What the bar needs of a stream: process.stderr is one. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressBarOptions {
  /** The clock, in milliseconds (tests give their own); default performance.now. */
  now?: () => number;
}

export class ProgressBar {
  readonly #stream: ProgressStream;
  readonly #now: () => number;
  readonly #started: number;
  #counts: ProgressCounts | undefined;
  #lastDraw = -Infinity;
  // Set while newer counts than those on screen wait for the interval to pass.
  #pendingDraw: NodeJS.Timeout | undefined;
  #finished = false;

  constructor(stream: ProgressStream, options: ProgressBarOptions = {}) {
    this.#stream = stream;
    this.#now = options.now ?? (() => performance.now());
    this.#started = this.#now();
  }

  /** False when the stream is not a terminal: then the bar writes nothing at all. */
  get enabled(): boolean {
    return this.#stream.isTTY === true;
  }

  update(counts: ProgressCounts): void {
    if (!this.enabled || this.#finished) return;
    this.#counts = { ...counts };
    const since = this.#now() - this.#lastDraw;
    if (since >= REDRAW_INTERVAL_MS || completed(counts) === counts.total) {
      this.#draw();
    } else {
      this.#pendingDraw ??= setTimeout(() => this.#draw(), REDRAW_INTERVAL_MS - since).unref();
    }
  }

  /** Draws the last counts and ends the line; later updates are ignored. */
  finish(): void {
    if (this.#finished) return;
    if (this.#counts) this.#draw();
    this.#finished = true;
    if (this.#counts) this.#stream.write('\n');
  }

  #draw(): void {
    clearTimeout(this.#pendingDraw);
    this.#pendingDraw = undefined;
    if (this.#finished || !this.#counts) return;
    const now = this.#now();
    this.#lastDraw = now;
    const line = renderProgressLine(this.#counts, now - this.#started, this.#stream.columns ?? DEFAULT_COLUMNS);
    this.#stream.write(`\r${line}${ERASE_TO_END_OF_LINE}`);
  }
}

/**
 * `[████████░░░░░░░░] 412/1000  done 400  error 10  killed 2  35.2/s  ETA 16.7 s`: the bar takes
 * what the text leaves of `columns`, within BAR_WIDTH; `stalled` shows only when there are some.
 */
export function renderProgressLine(counts: ProgressCounts, elapsedMs: number, columns: number): string {
  const ended = completed(counts);
  const perSecond = elapsedMs > 0 ? (ended * 1000) / elapsedMs : 0;
  const left = counts.total - ended;
  const eta = left === 0 ? 'done' : perSecond > 0 ? `ETA ${formatDuration((left / perSecond) * 1000)}` : 'ETA -';
  const stalled = counts.stalled > 0 ? `  stalled ${counts.stalled}` : '';
  const text = ` ${ended}/${counts.total}  done ${counts.done}  error ${counts.error}  killed ${counts.killed}${stalled}  ${perSecond.toFixed(1)}/s  ${eta}`;
  const width = Math.max(BAR_WIDTH.min, Math.min(BAR_WIDTH.max, columns - text.length - 3));
  const filled = counts.total === 0 ? width : Math.floor((ended / counts.total) * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]${text}`;
}

function completed(counts: ProgressCounts): number {
  return counts.done + counts.error + counts.killed + counts.stalled;
}
