/**
 * Training progress on the terminal: a one-line bar redrawn with \r on a TTY
 * (`label  45% |█████▌      | 180/400 loss 0.1234 · 12.3 it/s · ETA 0:18`), plain log lines
 * every N steps when stdout is not a TTY, nothing when LACUNA_QUIET=1 (unless a mode is forced).
 */
export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

export interface ProgressOptions {
  readonly total: number;
  /** Steps already done (a resumed run). Default 0. */
  readonly start?: number;
  readonly label?: string;
  /** 'auto' (default): none if LACUNA_QUIET=1, a bar on a TTY, lines otherwise. */
  readonly mode?: ProgressMode;
  /** Default process.stdout (none in a browser: then nothing is shown). */
  readonly stream?: NodeJS.WriteStream;
  /** Lines mode: print every this many steps. Default ⌈total/20⌉. */
  readonly everySteps?: number;
  /** Bar mode: minimum ms between redraws. Default 100. */
  readonly redrawMs?: number;
}

/** 'h:mm:ss' or 'm:ss'. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(r).padStart(2, '0')}`;
}

function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toPrecision(4);
}

/** `name value` pairs. */
export function formatValues(values: Readonly<Record<string, number>>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k} ${formatValue(v)}`)
    .join(' ');
}

export class Progress {
  readonly mode: Exclude<ProgressMode, 'auto'>;
  private readonly total: number;
  private readonly start: number;
  private readonly label: string;
  private readonly stream: NodeJS.WriteStream;
  private readonly everySteps: number;
  private readonly redrawMs: number;
  private readonly t0 = performance.now();
  private lastDraw = -Infinity;
  private lastLineStep: number;
  private current: number;
  private values: Record<string, number> = {};
  private drawn = false;

  constructor(options: ProgressOptions) {
    this.total = options.total;
    this.start = options.start ?? 0;
    this.current = this.start;
    this.lastLineStep = this.start;
    this.label = options.label ?? 'train';
    const stdout = typeof process !== 'undefined' ? process.stdout : undefined;
    // A browser has no stdout: a stream-less writer, and no output unless a mode is forced.
    this.stream = options.stream ?? stdout ?? ({ isTTY: false, write: () => true } as unknown as NodeJS.WriteStream);
    this.everySteps = options.everySteps ?? Math.max(1, Math.ceil(this.total / 20));
    this.redrawMs = options.redrawMs ?? 100;
    const mode = options.mode ?? 'auto';
    if (mode !== 'auto') this.mode = mode;
    else if (!options.stream && !stdout) this.mode = 'none';
    else if (process.env['LACUNA_QUIET'] === '1') this.mode = 'none';
    else this.mode = this.stream.isTTY ? 'bar' : 'lines';
  }

  /** Steps per second since construction, over the steps done in this run. */
  rate(): number {
    const dt = (performance.now() - this.t0) / 1000;
    return dt > 0 ? (this.current - this.start) / dt : 0;
  }

  /** Seconds left at the current rate (Infinity before the first step). */
  eta(): number {
    const r = this.rate();
    return r > 0 ? (this.total - this.current) / r : Infinity;
  }

  /** Records that `step` steps are done, with the latest values. */
  update(step: number, values: Readonly<Record<string, number>> = {}): void {
    this.current = step;
    this.values = { ...values };
    if (this.mode === 'bar') {
      const now = performance.now();
      if (now - this.lastDraw >= this.redrawMs || step >= this.total) {
        this.lastDraw = now;
        this.drawBar();
      }
    } else if (this.mode === 'lines' && (step - this.lastLineStep >= this.everySteps || step >= this.total)) {
      this.lastLineStep = step;
      this.stream.write(`${this.statusLine()}\n`);
    }
  }

  /** The text of a plain progress line. */
  statusLine(): string {
    const vals = formatValues(this.values);
    return `[${this.label}] step ${this.current}/${this.total}${vals ? ` ${vals}` : ''} · ${this.rate().toFixed(2)} it/s · ETA ${formatDuration(this.eta())}`;
  }

  private drawBar(): void {
    const cols = this.stream.columns || 100;
    const frac = this.total > 0 ? Math.min(1, this.current / this.total) : 1;
    const pct = `${String(Math.floor(frac * 100)).padStart(3)}%`;
    const tail = ` ${this.current}/${this.total} ${formatValues(this.values)} · ${this.rate().toFixed(2)} it/s · ETA ${formatDuration(this.eta())}`;
    const width = Math.max(10, Math.min(30, cols - this.label.length - pct.length - tail.length - 6));
    const cells = frac * width;
    const full = Math.floor(cells);
    const partial = ' ▏▎▍▌▋▊▉'[Math.floor((cells - full) * 8)] ?? '';
    const bar = ('█'.repeat(full) + (full < width ? partial : '')).padEnd(width);
    const line = `${this.label} ${pct} |${bar}|${tail}`;
    this.stream.write(`\r${line.slice(0, cols - 1)}\x1b[K`);
    this.drawn = true;
  }

  /** Prints a message on its own line without breaking the bar. */
  log(message: string): void {
    if (this.mode === 'none') return;
    if (this.mode === 'bar' && this.drawn) {
      this.stream.write(`\r\x1b[K${message}\n`);
      this.drawBar();
    } else {
      this.stream.write(`${message}\n`);
    }
  }

  /** Ends the bar's line (final redraw) or prints a last line. */
  done(): void {
    if (this.mode === 'bar') {
      this.drawBar();
      this.stream.write('\n');
      this.drawn = false;
    } else if (this.mode === 'lines' && this.lastLineStep !== this.current) {
      this.lastLineStep = this.current;
      this.stream.write(`${this.statusLine()}\n`);
    }
  }
}
