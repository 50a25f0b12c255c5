/**
 * A JSON-lines metrics log: one `{"step": …, …}` object per line, appended synchronously so
 * that a killed run loses at most the line being written. On resume, `truncateAfter` drops the
 * lines of steps the checkpoint does not cover, so the log has each step exactly once.
 */
import { appendFileSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { IOError } from '../errors.js';
import { writeFileAtomic } from '../data/atomic_write.js';

export class JsonlLog {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (e) {
      throw new IOError(`JsonlLog: cannot create the directory of ${path}: ${(e as Error).message}`, path);
    }
  }

  append(record: Readonly<Record<string, unknown>>): void {
    try {
      appendFileSync(this.path, `${JSON.stringify(record)}\n`);
    } catch (e) {
      throw new IOError(`JsonlLog.append: cannot write ${this.path}: ${(e as Error).message}`, this.path);
    }
  }

  /** All complete records (a torn last line is skipped). */
  read(): Record<string, unknown>[] {
    if (!existsSync(this.path)) return [];
    const out: Record<string, unknown>[] = [];
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // a line cut short by a kill
      }
    }
    return out;
  }

  /** Keeps only records with step ≤ `step` (atomically rewritten). */
  async truncateAfter(step: number): Promise<void> {
    if (!existsSync(this.path)) return;
    const keep = this.read().filter((r) => typeof r['step'] === 'number' && r['step'] <= step);
    await writeFileAtomic(this.path, new TextEncoder().encode(keep.map((r) => `${JSON.stringify(r)}\n`).join('')), 'JsonlLog.truncateAfter');
  }
}
