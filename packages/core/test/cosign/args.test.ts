import { describe, expect, it } from 'vitest';
import { type SignArgsOptions, type VerifyArgsOptions, cosignEnv, signArgs, verifyArgs } from '../../src/cosign/args.ts';

const REF = 'ghcr.io/octo-org/app@sha256:2e36f5b0089e53f38aa1f9a1ae5795bf030b410e0a66c48dafba3e36139155e8';
const ISSUER = 'https://token.actions.githubusercontent.com';
const IDENTITY = 'https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1';
const keyless = { ref: REF, keyless: true, recursive: true, signatureFormat: 'legacy', tlogUpload: true } as const;
const keyed = { ref: REF, keyless: false, key: 'env://COSIGN_KEY', recursive: false, signatureFormat: 'legacy', tlogUpload: false } as const;
const LEGACY_ON_3 = ['--new-bundle-format=false', '--use-signing-config=false'];

describe('signArgs: the whole argv, per cosign version', () => {
  it.each<{ name: string; input: SignArgsOptions; argv: string[] }>([
    { name: '2.5.0 keyless, recursive', input: { version: '2.5.0', ...keyless }, argv: ['sign', '--yes', '--recursive', '--', REF] },
    { name: '3.0.6 keyless legacy: both 3.x defaults off', input: { version: '3.0.6', ...keyless }, argv: ['sign', '--yes', ...LEGACY_ON_3, '--recursive', '--', REF] },
    { name: '3.1.3 keyless legacy', input: { version: '3.1.3', ...keyless }, argv: ['sign', '--yes', ...LEGACY_ON_3, '--recursive', '--', REF] },
    { name: 'v3.1.3 (with the v) keyless legacy', input: { version: 'v3.1.3', ...keyless }, argv: ['sign', '--yes', ...LEGACY_ON_3, '--recursive', '--', REF] },
    { name: '3.0.6 keyless bundle: the 3.x default path', input: { version: '3.0.6', ...keyless, signatureFormat: 'bundle' }, argv: ['sign', '--yes', '--recursive', '--', REF] },
    { name: '3.1.3 keyless bundle', input: { version: '3.1.3', ...keyless, signatureFormat: 'bundle' }, argv: ['sign', '--yes', '--recursive', '--', REF] },
    { name: '2.5.0 with a key, no tlog', input: { version: '2.5.0', ...keyed }, argv: ['sign', '--yes', '--tlog-upload=false', '--key=env://COSIGN_KEY', '--', REF] },
    { name: '3.0.6 with a key, legacy, no tlog', input: { version: '3.0.6', ...keyed }, argv: ['sign', '--yes', ...LEGACY_ON_3, '--tlog-upload=false', '--key=env://COSIGN_KEY', '--', REF] },
    { name: '3.1.3 with a key, legacy, no tlog', input: { version: '3.1.3', ...keyed }, argv: ['sign', '--yes', ...LEGACY_ON_3, '--tlog-upload=false', '--key=env://COSIGN_KEY', '--', REF] },
    {
      name: '3.1.3 bundle with a signing config: it decides about the tlog',
      input: { version: '3.1.3', ...keyed, signatureFormat: 'bundle', signingConfig: '/tmp/no-tlog.json' },
      argv: ['sign', '--yes', '--signing-config=/tmp/no-tlog.json', '--key=env://COSIGN_KEY', '--', REF],
    },
    {
      name: '2.5.0 keyless with private Fulcio and Rekor',
      input: { version: '2.5.0', ...keyless, fulcioUrl: 'https://fulcio.example', rekorUrl: 'https://rekor.example' },
      argv: ['sign', '--yes', '--fulcio-url=https://fulcio.example', '--rekor-url=https://rekor.example', '--recursive', '--', REF],
    },
    {
      name: '3.0.6 bundle with service URLs: no signing config',
      input: { version: '3.0.6', ...keyless, signatureFormat: 'bundle', fulcioUrl: 'https://fulcio.example', rekorUrl: 'https://rekor.example' },
      argv: ['sign', '--yes', '--use-signing-config=false', '--fulcio-url=https://fulcio.example', '--rekor-url=https://rekor.example', '--recursive', '--', REF],
    },
    {
      name: '3.0.6 legacy with a private Fulcio',
      input: { version: '3.0.6', ...keyless, fulcioUrl: 'https://fulcio.example' },
      argv: ['sign', '--yes', ...LEGACY_ON_3, '--fulcio-url=https://fulcio.example', '--recursive', '--', REF],
    },
    { name: '2.5.0 keyless with an identity token file', input: { version: '2.5.0', ...keyless, identityTokenFile: '/run/token' }, argv: ['sign', '--yes', '--identity-token=/run/token', '--recursive', '--', REF] },
    {
      name: '3.1.3 with signed annotations, in order',
      input: { version: '3.1.3', ...keyless, recursive: false, annotations: [['org.example.run', '42'], ['org.example.sha', 'abc']] },
      argv: ['sign', '--yes', ...LEGACY_ON_3, '-a', 'org.example.run=42', '-a', 'org.example.sha=abc', '--', REF],
    },
    // What the readers refuse is not judged again: the builder passes it on as asked, and cosign would refuse it.
    { name: '3.1.3 bundle without tlog and without a signing config (sign/inputs.ts refuses it)', input: { version: '3.1.3', ...keyed, signatureFormat: 'bundle' }, argv: ['sign', '--yes', '--tlog-upload=false', '--key=env://COSIGN_KEY', '--', REF] },
  ])('$name', ({ input, argv }) => {
    expect(signArgs(input)).toEqual(argv);
  });

  it('the types refuse a signing config with legacy signatures', () => {
    // @ts-expect-error legacy signatures take no signing config
    const legacyWithConfig: SignArgsOptions = { version: '3.1.3', ...keyless, signingConfig: 'sc.json' };
    expect(legacyWithConfig.signingConfig).toBe('sc.json');
  });
});

describe('verifyArgs: the whole argv', () => {
  it.each<{ name: string; input: VerifyArgsOptions; argv: string[] }>([
    { name: '2.5.0 keyless, exact identity', input: { version: '2.5.0', ref: REF, identity: IDENTITY, issuer: ISSUER }, argv: ['verify', `--certificate-identity=${IDENTITY}`, `--certificate-oidc-issuer=${ISSUER}`, '--', REF] },
    { name: '3.1.3 keyless, exact identity', input: { version: '3.1.3', ref: REF, identity: IDENTITY, issuer: ISSUER }, argv: ['verify', `--certificate-identity=${IDENTITY}`, `--certificate-oidc-issuer=${ISSUER}`, '--', REF] },
    {
      name: 'an anchored identity regexp (as the readers anchor it) and the workflow repository',
      input: { version: '3.1.3', ref: REF, identityRegexp: '^https://github\\.com/o/r/$', issuer: ISSUER, githubWorkflowRepository: 'o/r' },
      argv: ['verify', '--certificate-identity-regexp=^https://github\\.com/o/r/$', `--certificate-oidc-issuer=${ISSUER}`, '--certificate-github-workflow-repository=o/r', '--', REF],
    },
    {
      name: 'the caller pinned: repository, source ref and trigger; and a private Rekor',
      input: {
        version: '2.5.0',
        ref: REF,
        identity: 'https://github.com/m/s/.github/workflows/multi-arch.yml@refs/tags/v1',
        issuer: ISSUER,
        githubWorkflowRepository: 'o/r',
        githubWorkflowRef: 'refs/tags/v1.2.3',
        githubWorkflowTrigger: 'push',
        rekorUrl: 'https://rekor.internal',
      },
      argv: [
        'verify',
        '--certificate-identity=https://github.com/m/s/.github/workflows/multi-arch.yml@refs/tags/v1',
        `--certificate-oidc-issuer=${ISSUER}`,
        '--certificate-github-workflow-repository=o/r',
        '--certificate-github-workflow-ref=refs/tags/v1.2.3',
        '--certificate-github-workflow-trigger=push',
        '--rekor-url=https://rekor.internal',
        '--',
        REF,
      ],
    },
    { name: 'a key, skipping the transparency log', input: { version: '2.5.0', ref: REF, key: 'cosign.pub', insecureIgnoreTlog: true }, argv: ['verify', '--key=cosign.pub', '--insecure-ignore-tlog=true', '--', REF] },
    { name: 'a key and a private Rekor', input: { version: '3.1.3', ref: REF, key: 'cosign.pub', rekorUrl: 'https://rekor.internal', insecureIgnoreTlog: false }, argv: ['verify', '--key=cosign.pub', '--rekor-url=https://rekor.internal', '--', REF] },
  ])('$name', ({ input, argv }) => {
    expect(verifyArgs(input)).toEqual(argv);
  });

  it('the types refuse what the verify reader refuses: identity next to a key, no identity, both identity forms, no issuer', () => {
    const refused: VerifyArgsOptions[] = [
      // @ts-expect-error a key-based signature carries no identity
      { version: '3.1.3', ref: REF, key: 'k.pub', identity: 'a' },
      // @ts-expect-error keyless needs an identity
      { version: '3.1.3', ref: REF, issuer: ISSUER },
      // @ts-expect-error exactly one identity form
      { version: '3.1.3', ref: REF, issuer: ISSUER, identity: 'a', identityRegexp: '^b$' },
      // @ts-expect-error keyless needs an issuer
      { version: '3.1.3', ref: REF, identity: 'a' },
    ];
    expect(refused).toHaveLength(4);
  });
});

describe('cosignEnv', () => {
  it('keeps secrets off argv: the password and token travel in the environment', () => {
    expect(cosignEnv({ keyPassword: 'pw-123', identityToken: 'eyJtoken' })).toEqual({ env: { COSIGN_PASSWORD: 'pw-123', SIGSTORE_ID_TOKEN: 'eyJtoken' }, secrets: ['pw-123', 'eyJtoken'] });
    expect(cosignEnv({ keyPassword: '' })).toEqual({ env: { COSIGN_PASSWORD: '' }, secrets: [] });
  });
});
