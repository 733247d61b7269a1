import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { type SignArgsOptions, cosignEnv, defaultsToBundle, signArgs, triangulateArgs, verifyArgs } from '../../src/cosign/args.ts';

const REF = 'ghcr.io/octo-org/app@sha256:2e36f5b0089e53f38aa1f9a1ae5795bf030b410e0a66c48dafba3e36139155e8';
const keyless: Omit<SignArgsOptions, 'version'> = { ref: REF, keyless: true, recursive: true, signatureFormat: 'legacy', tlogUpload: true };
const keyed: Omit<SignArgsOptions, 'version'> = { ref: REF, keyless: false, key: 'env://COSIGN_KEY', recursive: false, signatureFormat: 'legacy', tlogUpload: false };

function inputOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof InputError ? e.input : `not an InputError: ${String(e)}`;
  }
  return undefined;
}

describe('signArgs: flag table over cosign versions', () => {
  it.each([
    // [version, options, expected argv]
    ['2.5.0', keyless, ['sign', '--yes', '--recursive', '--', REF]],
    ['3.0.6', keyless, ['sign', '--yes', '--new-bundle-format=false', '--use-signing-config=false', '--recursive', '--', REF]],
    ['3.1.3', keyless, ['sign', '--yes', '--new-bundle-format=false', '--use-signing-config=false', '--recursive', '--', REF]],
    ['3.0.6', { ...keyless, signatureFormat: 'bundle' }, ['sign', '--yes', '--recursive', '--', REF]],
    ['3.1.3', { ...keyless, signatureFormat: 'bundle' }, ['sign', '--yes', '--recursive', '--', REF]],
    ['2.5.0', keyed, ['sign', '--yes', '--tlog-upload=false', '--key=env://COSIGN_KEY', '--', REF]],
    ['3.0.6', keyed, ['sign', '--yes', '--new-bundle-format=false', '--use-signing-config=false', '--tlog-upload=false', '--key=env://COSIGN_KEY', '--', REF]],
    ['3.1.3', keyed, ['sign', '--yes', '--new-bundle-format=false', '--use-signing-config=false', '--tlog-upload=false', '--key=env://COSIGN_KEY', '--', REF]],
    ['3.1.3', { ...keyed, signatureFormat: 'bundle', signingConfig: '/tmp/no-tlog.json' }, ['sign', '--yes', '--signing-config=/tmp/no-tlog.json', '--key=env://COSIGN_KEY', '--', REF]],
    ['2.5.0', { ...keyless, fulcioUrl: 'https://fulcio.example', rekorUrl: 'https://rekor.example' }, ['sign', '--yes', '--fulcio-url=https://fulcio.example', '--rekor-url=https://rekor.example', '--recursive', '--', REF]],
    [
      '3.0.6',
      { ...keyless, signatureFormat: 'bundle', fulcioUrl: 'https://fulcio.example', rekorUrl: 'https://rekor.example' },
      ['sign', '--yes', '--use-signing-config=false', '--fulcio-url=https://fulcio.example', '--rekor-url=https://rekor.example', '--recursive', '--', REF],
    ],
    [
      '3.0.6',
      { ...keyless, fulcioUrl: 'https://fulcio.example' },
      ['sign', '--yes', '--new-bundle-format=false', '--use-signing-config=false', '--fulcio-url=https://fulcio.example', '--recursive', '--', REF],
    ],
    ['2.5.0', { ...keyless, identityTokenFile: '/run/token' }, ['sign', '--yes', '--identity-token=/run/token', '--recursive', '--', REF]],
    ['3.1.3', { ...keyless, recursive: false, annotations: [['org.example.run', '42'], ['note', 'a=b, c']] as const }, ['sign', '--yes', '--new-bundle-format=false', '--use-signing-config=false', '-a', 'org.example.run=42', '-a', 'note=a=b, c', '--', REF]],
  ] as Array<[string, Omit<SignArgsOptions, 'version'>, string[]]>)('cosign %s %j', (version, opts, want) => {
    expect(signArgs({ version, ...opts })).toEqual(want);
  });

  it.each(['2.5.0', '3.0.6', '3.1.3'])('cosign %s: always --yes, the ref last after "--"', (version) => {
    for (const o of [keyless, keyed]) {
      const args = signArgs({ version, ...o });
      expect(args.slice(0, 2)).toEqual(['sign', '--yes']);
      expect(args.slice(-2)).toEqual(['--', REF]);
    }
  });

  it('never passes cosign 3 flags to cosign 2', () => {
    for (const o of [keyless, keyed, { ...keyless, fulcioUrl: 'https://f.example' }]) {
      expect(signArgs({ version: '2.5.0', ...o }).join(' ')).not.toMatch(/new-bundle-format|use-signing-config|signing-config/);
    }
  });

  it('refuses bundle signatures on cosign 2, naming signature-format and saying to set cosign-version', () => {
    expect(inputOf(() => signArgs({ version: '2.5.0', ...keyless, signatureFormat: 'bundle' }))).toBe('signature-format');
    expect(() => signArgs({ version: '2.5.0', ...keyless, signatureFormat: 'bundle' })).toThrow(/cosign-version/);
  });

  it('refuses bundle without tlog on cosign 3 unless a signing config is given (cosign rejects --tlog-upload=false there)', () => {
    expect(inputOf(() => signArgs({ version: '3.1.3', ...keyed, signatureFormat: 'bundle' }))).toBe('tlog-upload');
    expect(() => signArgs({ version: '3.0.6', ...keyed, signatureFormat: 'bundle' })).toThrow(/signing-config create/);
  });

  it.each([
    ['key with keyless', { ...keyless, key: 'k.key' }, 'key'],
    ['neither key nor keyless', { ...keyed, key: undefined }, 'key'],
    ['option-like key', { ...keyed, key: '--upload=false' }, 'key'],
    ['signing config on cosign 2', { ...keyless, signatureFormat: 'bundle' as const, signingConfig: 'sc.json', version: '2.5.0' }, 'signature-format'],
    ['signing config with legacy', { ...keyless, signingConfig: 'sc.json' }, 'signing-config'],
    ['signing config with service URLs', { ...keyless, signatureFormat: 'bundle' as const, signingConfig: 'sc.json', fulcioUrl: 'https://f.example' }, 'signing-config'],
    ['annotation key with =', { ...keyless, annotations: [['a=b', 'c']] as const }, 'annotations'],
    ['bad fulcio URL', { ...keyless, fulcioUrl: 'file:///etc/passwd' }, 'fulcio-url'],
    ['unknown format', { ...keyless, signatureFormat: 'sigstore' as never }, 'signature-format'],
  ])('refuses %s', (_what, opts, input) => {
    expect(inputOf(() => signArgs({ version: '3.1.3', ...(opts as Omit<SignArgsOptions, 'version'>) }))).toBe(input);
  });

  it('refuses unknown and unsupported versions, naming cosign-version', () => {
    expect(inputOf(() => signArgs({ version: 'latest', ...keyless }))).toBe('cosign-version');
    expect(inputOf(() => signArgs({ version: '4.0.0', ...keyless }))).toBe('cosign-version');
    expect(inputOf(() => signArgs({ version: '1.13.1', ...keyless }))).toBe('cosign-version');
  });

  it('refuses a ref that could be read as a flag (internal error: refs are validated upstream)', () => {
    expect(() => signArgs({ version: '2.5.0', ...keyless, ref: '--key=x' })).toThrow(/starts with "-"/);
  });

  it('keeps secrets off argv: the password and token travel in the environment', () => {
    const { env, secrets } = cosignEnv({ keyPassword: 'pw-123', identityToken: 'eyJtoken' });
    expect(env).toEqual({ COSIGN_PASSWORD: 'pw-123', SIGSTORE_ID_TOKEN: 'eyJtoken' });
    expect(secrets).toEqual(['pw-123', 'eyJtoken']);
    const args = signArgs({ version: '3.1.3', ...keyed }).join(' ');
    expect(args).not.toContain('pw-123');
    expect(cosignEnv({ keyPassword: '' })).toEqual({ env: { COSIGN_PASSWORD: '' }, secrets: [] });
  });

  it('knows which versions default to bundles', () => {
    expect(defaultsToBundle('2.5.0')).toBe(false);
    expect(defaultsToBundle('3.0.1')).toBe(true);
  });
});

describe('verifyArgs', () => {
  const issuer = 'https://token.actions.githubusercontent.com';
  it.each(['2.5.0', '3.0.6', '3.1.3'])('cosign %s: keyless with an exact identity', (version) => {
    expect(verifyArgs({ version, ref: REF, identity: 'https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1', issuer })).toEqual([
      'verify',
      '--certificate-identity=https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1',
      `--certificate-oidc-issuer=${issuer}`,
      '--',
      REF,
    ]);
  });

  it('anchors an identity regexp and adds the workflow repository check', () => {
    expect(verifyArgs({ version: '3.1.3', ref: REF, identityRegexp: 'https://github\\.com/o/r/', issuer, githubWorkflowRepository: 'o/r' })).toEqual([
      'verify',
      '--certificate-identity-regexp=^https://github\\.com/o/r/$',
      `--certificate-oidc-issuer=${issuer}`,
      '--certificate-github-workflow-repository=o/r',
      '--',
      REF,
    ]);
  });

  it('pins the caller: repository, source ref and trigger; and a private Rekor', () => {
    expect(
      verifyArgs({ version: '2.5.0', ref: REF, identity: 'https://github.com/m/s/.github/workflows/multi-arch.yml@refs/tags/v1', issuer, githubWorkflowRepository: 'o/r', githubWorkflowRef: 'refs/tags/v1.2.3', githubWorkflowTrigger: 'push', rekorUrl: 'https://rekor.internal' }),
    ).toEqual([
      'verify',
      '--certificate-identity=https://github.com/m/s/.github/workflows/multi-arch.yml@refs/tags/v1',
      `--certificate-oidc-issuer=${issuer}`,
      '--certificate-github-workflow-repository=o/r',
      '--certificate-github-workflow-ref=refs/tags/v1.2.3',
      '--certificate-github-workflow-trigger=push',
      '--rekor-url=https://rekor.internal',
      '--',
      REF,
    ]);
  });

  it('key-based, skipping the transparency log', () => {
    expect(verifyArgs({ version: '2.5.0', ref: REF, key: 'cosign.pub', insecureIgnoreTlog: true })).toEqual(['verify', '--key=cosign.pub', '--insecure-ignore-tlog=true', '--', REF]);
  });

  it.each([
    ['no identity', { issuer }, 'certificate-identity'],
    ['both identity forms', { issuer, identity: 'a', identityRegexp: 'b' }, 'certificate-identity'],
    ['no issuer', { identity: 'a' }, 'certificate-oidc-issuer'],
    ['identity with a key', { key: 'k.pub', identity: 'a' }, 'certificate-identity'],
    ['unanchorable regexp', { issuer, identityRegexp: '.*' }, 'certificate-identity-regexp'],
    ['bad repository', { issuer, identity: 'a', githubWorkflowRepository: 'o/r/x' }, 'repository'],
  ])('refuses %s', (_w, o, input) => {
    expect(inputOf(() => verifyArgs({ version: '3.1.3', ref: REF, ...o }))).toBe(input);
  });
});

describe('triangulateArgs', () => {
  it('finds the .sig tag of a digest', () => {
    expect(triangulateArgs({ version: '2.5.0', ref: REF })).toEqual(['triangulate', '--type=signature', '--', REF]);
    expect(triangulateArgs({ version: '3.1.3', ref: REF, type: 'attestation' })).toEqual(['triangulate', '--type=attestation', '--', REF]);
  });
});
