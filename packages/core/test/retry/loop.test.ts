import { describe, expect, it } from 'vitest';
import { type GiveUp, type LoopState, type RetryDecision, type RetryPlan, type RetryPolicy, type Verdict, backoffDelay, decideRetry, retrying } from '../../src/retry/index.ts';

const POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000, maxTotalWaitMs: 10_000 };
const state = (over: Partial<LoopState> = {}): LoopState => ({ attempt: 1, waitedMs: 0, policy: POLICY, random: () => 1, ...over });

describe('backoffDelay', () => {
  it.each<{ name: string; policy: RetryPolicy; random: number; delays: number[] }>([
    { name: 'doubles from the base, capped (the top of the jitter range)', policy: POLICY, random: 1, delays: [100, 200, 400, 800, 1000, 1000] },
    { name: 'the bottom of the default 50% jitter range', policy: POLICY, random: 0, delays: [50, 100, 200, 400, 500, 500] },
    { name: 'random outside [0, 1] is clamped', policy: POLICY, random: 7, delays: [100, 200, 400, 800, 1000, 1000] },
    { name: 'no jitter', policy: { ...POLICY, jitter: 0 }, random: 0, delays: [100, 200, 400, 800, 1000, 1000] },
    { name: 'full jitter', policy: { ...POLICY, jitter: 1 }, random: 0.5, delays: [50, 100, 200, 400, 500, 500] },
    { name: 'a fixed table, the last wait repeated, no jitter', policy: { ...POLICY, delaysMs: [10, 40] }, random: 0, delays: [10, 40, 40, 40, 40, 40] },
    { name: 'an empty table waits nothing', policy: { ...POLICY, delaysMs: [] }, random: 1, delays: [0, 0, 0, 0, 0, 0] },
  ])('$name', ({ policy, random, delays }) => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, () => random))).toEqual(delays);
  });
});

describe('decideRetry', () => {
  it.each<{ name: string; verdict: Verdict; state: LoopState; decision: RetryDecision }>([
    { name: 'a final verdict ends the loop with its reason', verdict: { retry: false, why: 'HTTP 400 is not transient' }, state: state(), decision: { retry: false, reason: 'HTTP 400 is not transient' } },
    { name: 'a transient failure backs off', verdict: { retry: true, why: 'HTTP 503' }, state: state(), decision: { retry: true, delayMs: 100, reason: 'HTTP 503' } },
    { name: 'the 3rd failure backs off longer', verdict: { retry: true, why: 'HTTP 503' }, state: state({ attempt: 3 }), decision: { retry: true, delayMs: 400, reason: 'HTTP 503' } },
    { name: 'a server-given delay replaces the backoff', verdict: { retry: true, why: 'HTTP 429, Retry-After 3', delayMs: 3000 }, state: state(), decision: { retry: true, delayMs: 3000, reason: 'HTTP 429, Retry-After 3' } },
    { name: 'a server-given delay is capped', verdict: { retry: true, why: 'HTTP 429, Retry-After 600', delayMs: 600_000 }, state: state(), decision: { retry: true, delayMs: 5000, reason: 'HTTP 429, Retry-After 600' } },
    { name: 'a server-given 0 is honoured', verdict: { retry: true, why: 'HTTP 503, Retry-After 0', delayMs: 0 }, state: state(), decision: { retry: true, delayMs: 0, reason: 'HTTP 503, Retry-After 0' } },
    { name: 'the last attempt gives up', verdict: { retry: true, why: 'HTTP 503' }, state: state({ attempt: 4 }), decision: { retry: false, reason: 'HTTP 503; gave up after 4 attempts' } },
    {
      name: 'a wait beyond the total budget gives up',
      verdict: { retry: true, why: 'HTTP 429, Retry-After 5', delayMs: 5000 },
      state: state({ attempt: 2, waitedMs: 6000 }),
      decision: { retry: false, reason: 'HTTP 429, Retry-After 5; waiting 5s more would exceed the 10s retry budget' },
    },
  ])('$name', ({ verdict, state: s, decision }) => {
    expect(decideRetry(verdict, s)).toEqual(decision);
  });
});

describe('retrying', () => {
  class Busy extends Error {}
  class Broken extends Error {}
  const byClass = (error: unknown): Verdict => (error instanceof Busy ? { retry: true, why: `busy: ${error.message}` } : { retry: false, why: 'broken' });

  function harness<T>(plan: Partial<RetryPlan<T>> = {}) {
    const sleeps: number[] = [];
    const log: string[] = [];
    const ends: GiveUp[] = [];
    const fullPlan: RetryPlan<T> = {
      policy: POLICY,
      classifyError: byClass,
      announce: (o, next) => `${next.reason}: attempt ${next.attempt + 1} of ${next.maxAttempts} in ${next.delayMs} ms${o.ok ? ' (value)' : ''}`,
      giveUp: (error, end) => {
        ends.push(end);
        return error;
      },
      ...plan,
    };
    const attempts: number[] = [];
    const counted = (fn: (attempt: number) => Promise<T>) => (attempt: number) => (attempts.push(attempt), fn(attempt));
    const run = (fn: (attempt: number) => Promise<T>) => retrying(counted(fn), fullPlan, { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5, now: () => 42, log: (l) => log.push(l) });
    return { run, sleeps, log, ends, attempts };
  }

  it('returns a value at once, without sleeping', async () => {
    const h = harness<string>();
    await expect(h.run(async () => 'ok')).resolves.toBe('ok');
    expect(h.sleeps).toEqual([]);
  });

  it('retries transient failures with backoff and jitter, announcing each retry, and returns the eventual value', async () => {
    const h = harness<string>();
    const r = await h.run(async (attempt) => {
      if (attempt < 3) throw new Busy(`try ${attempt}`);
      return 'ok';
    });
    expect(r).toBe('ok');
    expect(h.attempts).toEqual([1, 2, 3]);
    expect(h.sleeps).toEqual([75, 150]);
    expect(h.log).toEqual(['busy: try 1: attempt 2 of 4 in 75 ms', 'busy: try 2: attempt 3 of 4 in 150 ms']);
  });

  it('a failure that is not transient ends the loop at once (giveUp: not exhausted)', async () => {
    const h = harness<string>();
    const broken = new Broken('x');
    await expect(h.run(async () => Promise.reject(broken))).rejects.toBe(broken);
    expect(h.sleeps).toEqual([]);
    expect(h.ends).toEqual([{ attempts: 1, exhausted: false, verdict: { retry: false, why: 'broken' } }]);
  });

  it('a synchronous throw is a failure like any other', async () => {
    const h = harness<string>();
    await expect(
      h.run(() => {
        throw new Broken('sync');
      }),
    ).rejects.toThrow('sync');
  });

  it('gives up after maxAttempts (giveUp: exhausted), throwing what giveUp returns', async () => {
    const h = harness<string>({ giveUp: (error, end) => new Error(`gave up after ${end.attempts}: ${String(error)}`, { cause: error }) });
    await expect(h.run(async () => Promise.reject(new Busy('still')))).rejects.toThrow('gave up after 4: Error: still');
    expect(h.attempts).toEqual([1, 2, 3, 4]);
    expect(h.sleeps).toEqual([75, 150, 300]);
  });

  it('honours a server-given delay, capped, and stops when the total wait budget would be exceeded', async () => {
    const h = harness<string>({ classifyError: () => ({ retry: true, why: 'HTTP 429', delayMs: 8000 }) });
    await expect(h.run(async () => Promise.reject(new Busy('slow down')))).rejects.toThrow('slow down');
    expect(h.sleeps).toEqual([5000, 5000]);
    expect(h.attempts).toEqual([1, 2, 3]);
    expect(h.ends).toEqual([{ attempts: 3, exhausted: true, verdict: { retry: true, why: 'HTTP 429', delayMs: 8000 } }]);
  });

  it('passes the injected clock to the classifier', async () => {
    const seen: number[] = [];
    const h = harness<string>({ classifyError: (_e, now) => (seen.push(now), { retry: false, why: 'x' }) });
    await expect(h.run(async () => Promise.reject(new Broken()))).rejects.toBeInstanceOf(Broken);
    expect(seen).toEqual([42]);
  });

  it('judges values with classifyValue: transient ones are retried, the last one returned as is', async () => {
    const h = harness<string>({ classifyValue: (v) => ({ retry: v.startsWith('cut'), why: v }) });
    const values = ['cut 1', 'cut 2', 'answer'];
    await expect(h.run(async (attempt) => values[attempt - 1] as string)).resolves.toBe('answer');
    expect(h.log).toEqual(['cut 1: attempt 2 of 4 in 75 ms (value)', 'cut 2: attempt 3 of 4 in 150 ms (value)']);
    const always = harness<string>({ classifyValue: () => ({ retry: true, why: 'cut' }) });
    await expect(always.run(async (attempt) => `cut ${attempt}`)).resolves.toBe('cut 4');
  });
});
