import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CosignVerifyCommand, type CosignVerifyTarget, cosignVerifyCommands, shellQuote } from '../../src/policy/cosign-commands.ts';
import type { ExpectedSigner } from '../../src/policy/expected-signer.ts';
import type { PolicyResult } from '../../src/policy/result.ts';
import { DIRECT_ANY_TAG, DIRECT_ONE_TAG, IMAGE, KEY_SIGNER, MOAM, REKOR_KEY, REUSABLE } from './support.ts';

const INDEX = `sha256:${'a'.repeat(64)}`;
const AMD64 = `sha256:${'b'.repeat(64)}`;
const ARM64 = `sha256:${'c'.repeat(64)}`;
const TARGET: CosignVerifyTarget = { image: IMAGE, index: INDEX, platforms: { 'linux/amd64': AMD64, 'linux/arm64/v8': ARM64 } };

function commands(r: PolicyResult<CosignVerifyCommand[]>): CosignVerifyCommand[] {
  if (!r.ok) throw new Error(`refused: ${r.reason}`);
  return r.document;
}

describe('cosignVerifyCommands', () => {
  it('keyless, reusable workflow, tag pattern: index + each platform, the ref pattern checked by jq', () => {
    const r = cosignVerifyCommands(REUSABLE, TARGET);
    const flags = [
      `--certificate-identity=${MOAM}@refs/tags/v1`,
      '--certificate-oidc-issuer=https://token.actions.githubusercontent.com',
      '--certificate-github-workflow-repository=octo-org/app',
      '--certificate-github-workflow-trigger=push',
    ];
    const jq = ['-e', 'any(.[]; (.optional.githubWorkflowRef // "") | test("^refs/tags/.+$"))'];
    const jqLine = `| jq -e 'any(.[]; (.optional.githubWorkflowRef // "") | test("^refs/tags/.+$"))'`;
    expect(commands(r)).toEqual([
      { label: 'index', ref: `${IMAGE}@${INDEX}`, env: {}, argv: ['verify', ...flags, '--', `${IMAGE}@${INDEX}`], jq, line: `cosign verify ${flags.join(' ')} -- ${IMAGE}@${INDEX} ${jqLine}` },
      { label: 'linux/amd64', ref: `${IMAGE}@${AMD64}`, env: {}, argv: ['verify', ...flags, '--', `${IMAGE}@${AMD64}`], jq, line: `cosign verify ${flags.join(' ')} -- ${IMAGE}@${AMD64} ${jqLine}` },
      { label: 'linux/arm64', ref: `${IMAGE}@${ARM64}`, env: {}, argv: ['verify', ...flags, '--', `${IMAGE}@${ARM64}`], jq, line: `cosign verify ${flags.join(' ')} -- ${IMAGE}@${ARM64} ${jqLine}` },
    ]);
  });

  it('keyless, identity regexp, private Sigstore files, no log: the regexp is quoted, the env set', () => {
    const signer = {
      ...DIRECT_ANY_TAG,
      tlog: false,
      sigstore: { fulcioCaPath: '/etc/sigstore/fulcio root.pem', ctlogPublicKeyPath: '/etc/sigstore/ctlog.pub', rekorPublicKeyPath: '/etc/sigstore/rekor.pub' },
    };
    const [index] = commands(cosignVerifyCommands(signer, { image: IMAGE, index: INDEX }, { cosign: '/opt/cosign/bin/cosign' }));
    expect(index?.line).toBe(
      `SIGSTORE_ROOT_FILE='/etc/sigstore/fulcio root.pem' SIGSTORE_CT_LOG_PUBLIC_KEY_FILE=/etc/sigstore/ctlog.pub /opt/cosign/bin/cosign verify ` +
        `'--certificate-identity-regexp=^https://github\\.com/octo-org/app/\\.github/workflows/release\\.yml@refs/tags/.+$' ` +
        `--certificate-oidc-issuer=https://token.actions.githubusercontent.com --certificate-github-workflow-repository=octo-org/app --insecure-ignore-tlog=true ` +
        `--certificate-github-workflow-trigger=push -- ${IMAGE}@${INDEX} | jq -e 'any(.[]; (.optional.githubWorkflowRef // "") | test("^refs/tags/.+$"))'`,
    );
  });

  it('keyless, exact ref: cosign checks it itself (no jq)', () => {
    const [index] = commands(cosignVerifyCommands(DIRECT_ONE_TAG, { image: IMAGE, index: INDEX }));
    expect(index?.jq).toBeUndefined();
    expect(index?.argv).toContain('--certificate-github-workflow-ref=refs/tags/v1.2.3');
  });

  it.each<[string, ExpectedSigner, string[]]>([
    ['a key file, no log', { ...KEY_SIGNER, publicKeyPath: '/keys/app.pub' }, ['verify', '--key=/keys/app.pub', '--insecure-ignore-tlog=true', '--', `${IMAGE}@${INDEX}`]],
    ['a key, default cosign.pub', KEY_SIGNER, ['verify', '--key=cosign.pub', '--insecure-ignore-tlog=true', '--', `${IMAGE}@${INDEX}`]],
    ['a key in a private Rekor', { ...KEY_SIGNER, tlog: true, sigstore: { rekorUrl: 'https://rekor.internal' } }, ['verify', '--key=cosign.pub', '--rekor-url=https://rekor.internal', '--', `${IMAGE}@${INDEX}`]],
  ])('%s', (_name, signer, argv) => {
    expect(commands(cosignVerifyCommands(signer, { image: IMAGE, index: INDEX }))[0]?.argv).toEqual(argv);
  });

  it('refuses PEM material without a path (cosign reads it from files)', () => {
    const r = cosignVerifyCommands({ ...KEY_SIGNER, tlog: true, sigstore: { rekorPublicKeyPem: REKOR_KEY } }, { image: IMAGE, index: INDEX });
    expect(r).toMatchObject({ ok: false, reason: 'sigstore.rekorPublicKeyPem is given without sigstore.rekorPublicKeyPath: cosign reads it from the file named by SIGSTORE_REKOR_PUBLIC_KEY' });
  });

  it.each<[string, Partial<CosignVerifyTarget>, RegExp]>([
    ['an image the signer does not list', { image: 'ghcr.io/octo-org/other' }, /Input "image": "ghcr.io\/octo-org\/other" is not one of the signer's images/],
    ['a tag as the index', { index: 'v1.2.3' }, /Input "index"/],
    ['a bad platform', { platforms: { 'linux/sparc': AMD64 } }, /Input "platforms"/],
  ])('throws for %s', (_name, over, why) => {
    expect(() => cosignVerifyCommands(KEY_SIGNER, { ...TARGET, ...over })).toThrow(why);
  });
});

describe('the lines run in a shell as the argv says', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'moam-cosign-lines-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // A stand-in cosign: records its argv and environment, prints the JSON cosign verify prints for verified signatures.
  const fake = path.join(dir, 'cosign');
  writeFileSync(fake, `#!/bin/sh\nprintf '%s\\0' "$@" > "$RECORD"\nprintf '%s' "\${SIGSTORE_ROOT_FILE-}" > "$RECORD.env"\ncat "$OUTPUT"\n`);
  chmodSync(fake, 0o755);
  const hasJq = spawnSync('jq', ['--version']).status === 0;

  function run(line: string, output: unknown): { status: number | null; argv: string[]; env: string } {
    const record = path.join(dir, 'argv');
    const out = path.join(dir, 'out.json');
    writeFileSync(out, JSON.stringify(output));
    const r = spawnSync('bash', ['-c', `set -o pipefail; ${line}`], { env: { PATH: `${dir}:${process.env.PATH ?? ''}`, RECORD: record, OUTPUT: out }, encoding: 'utf8' });
    return { status: r.status, argv: readFileSync(record, 'utf8').split('\0').slice(0, -1), env: readFileSync(`${record}.env`, 'utf8') };
  }

  it.each<[string, string]>([
    ['quotes, spaces and $', "it's a $HOME `x` test"],
    ['a regexp', '^a\\.b(c|d)*$'],
    ['a newline', 'a\nb'],
    ['empty', ''],
  ])('shellQuote keeps %s as one word', (_name, word) => {
    expect(execFileSync('bash', ['-c', `printf '%s' ${shellQuote(word)}`], { encoding: 'utf8' })).toBe(word);
  });

  it('keyless lines: argv and environment arrive unchanged', () => {
    const signer = { ...DIRECT_ANY_TAG, sigstore: { fulcioCaPath: "/etc/sig store/it's.pem" } };
    for (const cmd of commands(cosignVerifyCommands(signer, TARGET, { cosign: 'cosign' }))) {
      const verified = [{ optional: { githubWorkflowRef: 'refs/tags/v2.0.0' } }];
      const r = run(hasJq ? cmd.line : cmd.line.replace(/ \| jq .*$/, ''), verified);
      expect(r.argv).toEqual(cmd.argv);
      expect(r.env).toBe("/etc/sig store/it's.pem");
      expect(r.status).toBe(0);
    }
  });

  it.runIf(hasJq)('the jq stage fails unless a verified signature ran at a matching ref', () => {
    const [cmd] = commands(cosignVerifyCommands(REUSABLE, TARGET));
    if (!cmd) throw new Error('no command');
    expect(run(cmd.line, [{ optional: { githubWorkflowRef: 'refs/heads/main' } }]).status).not.toBe(0);
    expect(run(cmd.line, [{ optional: {} }]).status).not.toBe(0);
    expect(run(cmd.line, []).status).not.toBe(0);
    expect(run(cmd.line, [{ optional: { githubWorkflowRef: 'refs/heads/main' } }, { optional: { githubWorkflowRef: 'refs/tags/v1.0.0' } }]).status).toBe(0);
  });
});
