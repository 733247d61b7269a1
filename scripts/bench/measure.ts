// Timing helpers for scripts/bench.ts: spawn a process, time it (and its first stdout byte), summarise samples.
import { spawn } from 'node:child_process';

export interface Timed {
  /** Spawn to exit, ms. */
  totalMs: number;
  /** Spawn to the first stdout byte, ms (undefined if it printed nothing). */
  firstByteMs?: number;
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs file with args (never through a shell unless file is bash), timing the whole run and the first stdout byte. */
export function timedSpawn(file: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - started) / 1e6;
    const child = spawn(file, [...args], { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let firstByteMs: number | undefined;
    child.stdout.on('data', (c: Buffer) => {
      firstByteMs ??= ms();
      out.push(c);
    });
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ totalMs: ms(), ...(firstByteMs !== undefined ? { firstByteMs } : {}), exitCode: code ?? 128, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/**
 * Runs the two variants `rounds` times, alternating which goes first (A B, B A, …) so drift and warm caches favour
 * neither. `prepare` runs untimed before each sample (fresh repository names, copies).
 */
export async function alternate<P>(
  rounds: number,
  prepare: (variant: 'suite' | 'raw', round: number) => Promise<P>,
  suite: (p: P) => Promise<number>,
  raw: (p: P) => Promise<number>,
  log: (line: string) => void,
): Promise<{ suite: number[]; raw: number[] }> {
  const out = { suite: [] as number[], raw: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    const order: Array<'suite' | 'raw'> = round % 2 === 0 ? ['suite', 'raw'] : ['raw', 'suite'];
    for (const v of order) {
      const p = await prepare(v, round);
      const ms = v === 'suite' ? await suite(p) : await raw(p);
      out[v].push(ms);
      log(`  round ${round + 1}/${rounds} ${v.padEnd(5)} ${fmtMs(ms)}`);
    }
  }
  return out;
}
