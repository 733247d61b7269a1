import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cosignReason, parseVerifyJson, parseVerifyOutcome } from '../../src/cosign/outcome.ts';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const captures = JSON.parse(readFileSync(path.join(fixtures, 'cosign-2.5.0-captures.json'), 'utf8')) as { captures: Record<string, { exitCode: number }> };

/** One captured cosign 2.5.0 run: its recorded exit code and the outputs. */
function run(name: string): [number, string, string] {
  const c = captures.captures[name];
  if (!c) throw new Error(`no capture ${name}`);
  return [c.exitCode, readFileSync(path.join(fixtures, `${name}.stdout.txt`), 'utf8'), readFileSync(path.join(fixtures, `${name}.stderr.txt`), 'utf8')];
}

const DIGEST = 'sha256:2e36f5b0089e53f38aa1f9a1ae5795bf030b410e0a66c48dafba3e36139155e8';

describe('parseVerifyOutcome on captured cosign 2.5.0 runs', () => {
  it('exit 0: one verified key-based signature with its annotation', () => {
    const out = parseVerifyOutcome(...run('cosign-2.5.0-verify-key-ok'));
    expect(out.status).toBe('verified');
    if (out.status !== 'verified') return;
    expect(out.signatures).toHaveLength(1);
    expect(out.signatures[0]).toMatchObject({
      dockerManifestDigest: DIGEST,
      dockerReference: 'localhost:5000/moam-test/cosign-capture',
      type: 'cosign container image signature',
      annotations: { 'org.example.ci': 'moam' },
    });
    expect(out.signatures[0]!.issuer).toBeUndefined();
    expect(out.signatures.every((sig) => sig.dockerManifestDigest === DIGEST)).toBe(true);
  });

  it('exit 0: one entry per matching signature', () => {
    const out = parseVerifyOutcome(...run('cosign-2.5.0-verify-key-two'));
    expect(out.status === 'verified' && out.signatures.map((s) => s.annotations.run)).toEqual(['1', '2']);
  });

  it('exit 10: no signatures', () => {
    expect(parseVerifyOutcome(...run('cosign-2.5.0-verify-unsigned'))).toEqual({ status: 'no-signatures', reason: 'no signatures found' });
  });

  it('exit 12: signatures exist but none matched', () => {
    expect(parseVerifyOutcome(...run('cosign-2.5.0-verify-wrong-key'))).toEqual({ status: 'no-match', reason: 'no matching signatures: invalid signature when validating ASN.1 encoded signature' });
  });

  it('exit 11 (tag not found) is an error', () => {
    const out = parseVerifyOutcome(...run('cosign-2.5.0-verify-no-tag'));
    expect(out).toMatchObject({ status: 'error', exitCode: 11 });
    expect(out.status === 'error' && out.reason).toMatch(/^image tag not found: /);
  });

  it('exit 1: usage and setup errors, reason is the Error: line', () => {
    expect(parseVerifyOutcome(...run('cosign-2.5.0-verify-usage'))).toEqual({
      status: 'error',
      exitCode: 1,
      reason: '--certificate-identity or --certificate-identity-regexp is required for verification in keyless mode',
    });
    const unreachable = parseVerifyOutcome(...run('cosign-2.5.0-verify-unreachable'));
    expect(unreachable.status === 'error' && unreachable.reason).toMatch(/connection refused/);
  });
});

describe('parseVerifyOutcome: other shapes', () => {
  it('exit 1 with cosign\'s "no signatures found" (paths that raise an untyped error) is still no-signatures', () => {
    expect(parseVerifyOutcome(1, '', 'Error: no signatures found\nerror during command execution: no signatures found\n').status).toBe('no-signatures');
    expect(parseVerifyOutcome(1, '', 'Error: no matching signatures: none of the expected identities matched\n').status).toBe('no-match');
  });

  it('exit 0 without a JSON array is an error, not a pass', () => {
    expect(parseVerifyOutcome(0, 'Verified OK', '')).toMatchObject({ status: 'error' });
    expect(parseVerifyOutcome(0, '[]', '')).toMatchObject({ status: 'error' });
    expect(parseVerifyOutcome(0, '{"critical":{}}', '')).toMatchObject({ status: 'error' });
  });

  it('reads keyless GitHub claims (synthetic entry with the keys cosign writes: name and Fulcio OID per claim)', () => {
    // Shape from cosign's verify output code (ss.Optional["Issuer"], ["Subject"], and each GitHub extension
    // under both its CertExtensionMap name and its 1.3.6.1.4.1.57264.1.x OID); not a capture.
    const entry = {
      critical: { identity: { 'docker-reference': 'ghcr.io/octo-org/app' }, image: { 'docker-manifest-digest': DIGEST }, type: 'cosign container image signature' },
      optional: {
        Bundle: { SignedEntryTimestamp: 'MEUC', Payload: { logIndex: 1 } },
        Issuer: 'https://token.actions.githubusercontent.com',
        '1.3.6.1.4.1.57264.1.1': 'https://token.actions.githubusercontent.com',
        Subject: 'https://github.com/octo-org/app/.github/workflows/release.yml@refs/tags/v1.2.3',
        githubWorkflowTrigger: 'push',
        '1.3.6.1.4.1.57264.1.2': 'push',
        githubWorkflowSha: 'a'.repeat(40),
        '1.3.6.1.4.1.57264.1.3': 'a'.repeat(40),
        githubWorkflowName: 'release',
        githubWorkflowRepository: 'octo-org/app',
        githubWorkflowRef: 'refs/tags/v1.2.3',
        'org.example.run': '42',
      },
    };
    const out = parseVerifyOutcome(0, `\n${JSON.stringify([entry])}\n`, 'Verification for ... --\n');
    expect(out.status).toBe('verified');
    if (out.status !== 'verified') return;
    expect(out.signatures[0]).toMatchObject({
      issuer: 'https://token.actions.githubusercontent.com',
      subject: 'https://github.com/octo-org/app/.github/workflows/release.yml@refs/tags/v1.2.3',
      githubWorkflowRepository: 'octo-org/app',
      githubWorkflowRef: 'refs/tags/v1.2.3',
      githubWorkflowSha: 'a'.repeat(40),
      githubWorkflowTrigger: 'push',
      githubWorkflowName: 'release',
      annotations: { 'org.example.run': '42' },
    });
  });

  it('skips noise printed before the array', () => {
    expect(parseVerifyJson('some notice\n[{"critical":{}}]\n')).toHaveLength(1);
  });

  it('takes the Error: line over later ones, else the last error-ish line', () => {
    expect(cosignReason('WARNING: x\nError: boom\nmain.go:74: error during command execution: boom\n')).toBe('boom');
    expect(cosignReason('panic: runtime error: invalid memory address\n')).toBe('panic: runtime error: invalid memory address');
    expect(cosignReason('')).toBe('(cosign printed no error)');
  });
});
