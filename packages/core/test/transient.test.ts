import { describe, expect, it } from 'vitest';
import { ToolError } from '../src/exec.ts';
import { withTransientRetries } from '../src/transient.ts';

const toolError = (line: string) => new ToolError('docker', ['buildx', 'imagetools'], 1, '', `${line}\n`, line);

function harness(failures: unknown[]) {
  const sleeps: number[] = [];
  const warnings: string[] = [];
  let calls = 0;
  const fn = async () => {
    const f = failures[calls++];
    if (f !== undefined) throw f;
    return 'done';
  };
  const deps = { sleep: async (ms: number) => void sleeps.push(ms), log: { warning: (m: string) => void warnings.push(m) } };
  return { fn, deps, sleeps, warnings, calls: () => calls };
}

describe('withTransientRetries', () => {
  it('retries registry trouble in the last error line: 1 s, 2 s, 4 s, 8 s, no jitter, a warning each', async () => {
    const busy = toolError('unexpected status from PUT request: 503 Service Unavailable');
    const h = harness([busy, busy, busy, busy]);
    await expect(withTransientRetries('imagetools create x', h.fn, h.deps)).resolves.toBe('done');
    expect(h.calls()).toBe(5);
    expect(h.sleeps).toEqual([1000, 2000, 4000, 8000]);
    expect(h.warnings).toEqual([1, 2, 3, 4].map((n, i) => `imagetools create x: transient registry failure (unexpected status from PUT request: 503 Service Unavailable); retry ${n}/4 in ${[1000, 2000, 4000, 8000][i]} ms`));
  });

  it('throws the last error itself after the last attempt', async () => {
    const reset = toolError('read: connection reset by peer');
    const h = harness(Array(9).fill(reset));
    await expect(withTransientRetries('x', h.fn, h.deps)).rejects.toBe(reset);
    expect(h.calls()).toBe(5);
  });

  it('throws anything else at once', async () => {
    const denied = toolError('unexpected status: 401 Unauthorized');
    const h = harness([denied]);
    await expect(withTransientRetries('x', h.fn, h.deps)).rejects.toBe(denied);
    expect(h.calls()).toBe(1);
    expect(h.sleeps).toEqual([]);
  });

  it('takes the attempts, the label and the classifier from the options; waits stay capped at 8 s', async () => {
    const seen: Array<[string, unknown]> = [];
    const flaky = new Error('Fulcio said 503');
    const h = harness(Array(6).fill(flaky));
    const opts = { attempts: 7, label: 'Fulcio', isTransient: (line: string, error: unknown) => (seen.push([line, error]), true) };
    await expect(withTransientRetries('cosign sign x', h.fn, h.deps, opts)).resolves.toBe('done');
    expect(h.sleeps).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(h.warnings[0]).toBe('cosign sign x: transient Fulcio failure (Fulcio said 503); retry 1/6 in 1000 ms');
    expect(seen[0]).toEqual(['Fulcio said 503', flaky]);
  });
});
