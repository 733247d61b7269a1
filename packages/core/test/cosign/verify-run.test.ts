import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type VerifyOutcome, parseVerifyOutcome } from '../../src/cosign/outcome.ts';
import { isTransientVerifyOutcome, verifyWithRetries } from '../../src/cosign/verify-run.ts';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const captures = JSON.parse(readFileSync(path.join(fixtures, 'cosign-2.5.0-captures.json'), 'utf8')) as { captures: Record<string, { exitCode: number }> };

function captured(name: string): VerifyOutcome {
  const c = captures.captures[name];
  if (!c) throw new Error(`no capture ${name}`);
  return parseVerifyOutcome(c.exitCode, readFileSync(path.join(fixtures, `${name}.stdout.txt`), 'utf8'), readFileSync(path.join(fixtures, `${name}.stderr.txt`), 'utf8'));
}

function keyless(file: string, exitCode: number): VerifyOutcome {
  return parseVerifyOutcome(exitCode, '', readFileSync(path.join(fixtures, file), 'utf8'));
}

describe('isTransientVerifyOutcome on captured cosign 2.5.0 runs', () => {
  it.each([
    // Registry faults injected by the testkit fault proxy: nothing about the signature.
    ['a reset while cosign reads the .sig manifest (exit 1, unexpected EOF)', 'cosign-2.5.0-verify-reset-sig-manifest', true],
    ['a 429 TOOMANYREQUESTS on the .sig manifest (exit 1)', 'cosign-2.5.0-verify-429-sig-manifest', true],
    ['a reset while cosign reads the signature layer (exit 12, "no matching signatures: unexpected EOF")', 'cosign-2.5.0-verify-reset-sig-layer', true],
    ['a registry nobody listens on (connection refused)', 'cosign-2.5.0-verify-unreachable', true],
    // Answers about the signature: never retried.
    ['no signatures (exit 10)', 'cosign-2.5.0-verify-unsigned', false],
    ['a wrong key (exit 12, invalid signature)', 'cosign-2.5.0-verify-wrong-key', false],
    ['a tag that does not exist (exit 11)', 'cosign-2.5.0-verify-no-tag', false],
    ['bad usage (exit 1)', 'cosign-2.5.0-verify-usage', false],
  ])('%s', (_name, capture, transient) => {
    const outcome = captured(capture);
    expect(outcome.status).not.toBe('verified');
    expect(isTransientVerifyOutcome(outcome)).toBe(transient);
  });

  it.each([
    ['verify-no-match.stderr.txt', 12],
    ['verify-no-signatures.stderr.txt', 10],
    ['verify-untrusted-root.stderr.txt', 12],
  ])('keyless %s is an answer, not a hiccup', (file, code) => {
    expect(isTransientVerifyOutcome(keyless(file, code))).toBe(false);
  });

  it('a mismatch whose subject happens to contain "500" or "EOF" is still a mismatch', () => {
    const reason = 'no matching signatures: none of the expected identities matched what was in the certificate, got subjects [https://github.com/o/EOF/.github/workflows/release.yml@refs/tags/500]';
    expect(isTransientVerifyOutcome({ status: 'no-match', reason })).toBe(false);
  });

  it('a verified outcome is never transient', () => {
    expect(isTransientVerifyOutcome({ status: 'verified', signatures: [] })).toBe(false);
  });
});

describe('verifyWithRetries', () => {
  const eof = captured('cosign-2.5.0-verify-reset-sig-layer');
  const verified: VerifyOutcome = { status: 'verified', signatures: [{ annotations: {}, raw: {} }] };

  function harness(outcomes: VerifyOutcome[]) {
    const sleeps: number[] = [];
    const warnings: string[] = [];
    let calls = 0;
    const run = async () => outcomes[Math.min(calls++, outcomes.length - 1)] as VerifyOutcome;
    const deps = { sleep: async (ms: number) => void sleeps.push(ms), log: { warning: (m: string) => void warnings.push(m) } };
    return { run, deps, sleeps, warnings, calls: () => calls };
  }

  it('retries a cut connection until cosign gives an answer', async () => {
    const h = harness([eof, eof, verified]);
    await expect(verifyWithRetries('cosign verify x', h.run, h.deps)).resolves.toBe(verified);
    expect(h.calls()).toBe(3);
    expect(h.sleeps).toEqual([1000, 2000]);
    expect(h.warnings[0]).toMatch(/^cosign verify x: transient registry failure \(no matching signatures: unexpected EOF\); retry 1\/4/);
  });

  it('gives back the last transient outcome after 5 attempts (reported as such, never as verified)', async () => {
    const h = harness([eof]);
    await expect(verifyWithRetries('v', h.run, h.deps)).resolves.toBe(eof);
    expect(h.calls()).toBe(5);
  });

  it('does not retry an answer about the signature', async () => {
    const wrongKey = captured('cosign-2.5.0-verify-wrong-key');
    const h = harness([wrongKey, verified]);
    await expect(verifyWithRetries('v', h.run, h.deps)).resolves.toBe(wrongKey);
    expect(h.calls()).toBe(1);
    expect(h.sleeps).toEqual([]);
  });
});
