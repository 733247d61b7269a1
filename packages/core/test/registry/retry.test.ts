import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/registry/errors.ts';
import { DEFAULT_RETRY_POLICY, type Failure, backoffDelay, parseRetryAfter, retryDecision, withRetry } from '../../src/registry/retry.ts';

const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);
const ctx = (attempt = 1, waitedMs = 0) => ({ attempt, waitedMs, policy: DEFAULT_RETRY_POLICY, random: () => 1, now: NOW });

describe('retryDecision', () => {
  it.each<[string, Failure, number | false]>([
    ['429 with Retry-After seconds', { status: 429, retryAfter: '3' }, 3000],
    ['429 with Retry-After as an HTTP date', { status: 429, retryAfter: new Date(NOW + 7000).toUTCString() }, 7000],
    ['429 with a Retry-After date in the past', { status: 429, retryAfter: new Date(NOW - 7000).toUTCString() }, 0],
    ['429 with a huge Retry-After (capped)', { status: 429, retryAfter: '86400' }, DEFAULT_RETRY_POLICY.maxRetryAfterMs],
    ['429 without Retry-After (backoff)', { status: 429 }, 500],
    ['429 with an unreadable Retry-After (backoff)', { status: 429, retryAfter: 'soon' }, 500],
    ['503', { status: 503 }, 500],
    ['503 with Retry-After', { status: 503, retryAfter: '2' }, 2000],
    ['ECONNRESET', { code: 'ECONNRESET', message: 'read ECONNRESET' }, 500],
    ['400', { status: 400 }, false],
    ['TLS verification failure', { code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'self-signed certificate in certificate chain' }, false],
    // Every status and error code: the HTTP classifier's table in test/retry/classifiers.test.ts.
  ])('%s', (_name, failure, expected) => {
    const d = retryDecision(failure, ctx());
    if (expected === false) expect(d).toMatchObject({ retry: false });
    else expect(d).toMatchObject({ retry: true, delayMs: expected });
  });

  it('backs off exponentially with jitter, capped', () => {
    const p = DEFAULT_RETRY_POLICY;
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, p, () => 1))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, p, () => 0))).toEqual([250, 500, 1000, 2000]);
    expect(backoffDelay(20, p, () => 1)).toBe(p.maxDelayMs);
  });

  it('stops at maxAttempts', () => {
    expect(retryDecision({ status: 503 }, ctx(4))).toMatchObject({ retry: true });
    expect(retryDecision({ status: 503 }, ctx(5))).toMatchObject({ retry: false, reason: expect.stringMatching(/gave up after 5 attempts/) });
  });

  it('stops when the total wait budget would be exceeded', () => {
    expect(retryDecision({ status: 429, retryAfter: '50' }, ctx(2, DEFAULT_RETRY_POLICY.maxTotalWaitMs - 10_000))).toMatchObject({ retry: false, reason: expect.stringMatching(/retry budget/) });
  });

  it.each<[string | undefined, number | undefined]>([
    ['0', 0],
    ['12', 12_000],
    ['1.5', 1500],
    [' 4 ', 4000],
    [new Date(NOW + 90_000).toUTCString(), 90_000],
    ['yesterday', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('parseRetryAfter(%j) -> %j', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe('withRetry', () => {
  const deps = (sleeps: number[], log: string[] = []) => ({ policy: DEFAULT_RETRY_POLICY, sleep: async (ms: number) => void sleeps.push(ms), random: () => 0.5, now: () => NOW, log: (l: string) => log.push(l) });
  const transient = (status: number) => new RegistryError({ registry: 'r.example', repository: 'app', operation: 'HEAD blob x', status });

  it('retries transient failures and returns the eventual answer', async () => {
    const sleeps: number[] = [];
    const log: string[] = [];
    let n = 0;
    const r = await withRetry(async () => {
      if (++n < 3) throw transient(503);
      return 'ok';
    }, deps(sleeps, log));
    expect(r).toBe('ok');
    expect(n).toBe(3);
    expect(sleeps).toEqual([375, 750]);
    expect(log[0]).toMatch(/^r\.example\/app: HEAD blob x: HTTP 503; attempt 2 of 5 in 0\.4s$/);
  });

  it("waits as long as the registry's Retry-After asks, and says so", async () => {
    const sleeps: number[] = [];
    const log: string[] = [];
    let n = 0;
    const busy = new RegistryError({ registry: 'r.example', repository: 'app', operation: 'PUT manifest x', status: 429, code: 'TOOMANYREQUESTS', retryAfter: '2' });
    await withRetry(async () => {
      if (++n < 2) throw busy;
    }, deps(sleeps, log));
    expect(sleeps).toEqual([2000]);
    expect(log).toEqual(['r.example/app: PUT manifest x: HTTP 429, Retry-After 2; attempt 2 of 5 in 2.0s']);
  });

  it('fails fast on a non-transient failure', async () => {
    const sleeps: number[] = [];
    let n = 0;
    await expect(
      withRetry(async () => {
        n++;
        throw transient(400);
      }, deps(sleeps)),
    ).rejects.toThrow('r.example/app: HEAD blob x failed: 400');
    expect(n).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('gives up after maxAttempts and says so', async () => {
    const sleeps: number[] = [];
    let n = 0;
    await expect(
      withRetry(async () => {
        n++;
        throw transient(502);
      }, deps(sleeps)),
    ).rejects.toThrow(/^r\.example\/app: HEAD blob x failed after 5 attempts: 502/);
    expect(n).toBe(5);
    expect(sleeps).toHaveLength(4);
  });

  it('does not multiply nested retries: an error that exhausted an inner loop is final', async () => {
    const sleeps: number[] = [];
    let n = 0;
    const inner = () =>
      withRetry(async () => {
        n++;
        throw new RegistryError({ registry: 'r.example', operation: 'GET /v2/', code: 'ECONNREFUSED', detail: 'connect ECONNREFUSED' });
      }, deps(sleeps));
    await expect(withRetry(inner, deps(sleeps))).rejects.toThrow(/failed after 5 attempts: ECONNREFUSED/);
    expect(n).toBe(5);
    expect(sleeps).toHaveLength(4);
  });

  it('never retries errors that are not RegistryErrors', async () => {
    let n = 0;
    await expect(
      withRetry(async () => {
        n++;
        throw new TypeError('bug');
      }, deps([])),
    ).rejects.toThrow(TypeError);
    expect(n).toBe(1);
  });
});
