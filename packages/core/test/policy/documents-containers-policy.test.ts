// Whole documents: each generator's output for a keyless signer (our reusable workflow, at a tag) and a key signer,
// compared in full, plus the variants that change shape. Here: containers-policy.json (podman, cri-o) and
// registries.d, including the keyless signers it cannot express.
import { describe, expect, it } from 'vitest';
import { containersPolicy, registriesD } from '../../src/policy/containers-policy.ts';
import type { ExpectedSigner } from '../../src/policy/expected-signer.ts';
import { documentOf } from './documents-support.ts';
import { IMAGE, KEY_SIGNER, PUBLIC_KEY, REKOR_KEY, REUSABLE } from './support.ts';

const KEYB64 = Buffer.from(PUBLIC_KEY).toString('base64');

describe('containers-policy.json and registries.d', () => {
  it.each<[string, ExpectedSigner, Parameters<typeof containersPolicy>[1], unknown]>([
    ['key, inline (keyData)', KEY_SIGNER, {}, { default: [{ type: 'reject' }], transports: { docker: { 'ghcr.io/octo-org/app': [{ type: 'sigstoreSigned', keyData: KEYB64, signedIdentity: { type: 'matchRepository' } }] } } }],
    [
      'key on disk (keyPath), others accepted, two images',
      { ...KEY_SIGNER, images: [IMAGE, 'docker.io/octo/app', 'alpine'], publicKeyPath: '/etc/containers/keys/app.pub' },
      { defaultPolicy: 'insecureAcceptAnything' },
      {
        default: [{ type: 'insecureAcceptAnything' }],
        transports: {
          docker: {
            'ghcr.io/octo-org/app': [{ type: 'sigstoreSigned', keyPath: '/etc/containers/keys/app.pub', signedIdentity: { type: 'matchRepository' } }],
            'docker.io/octo/app': [{ type: 'sigstoreSigned', keyPath: '/etc/containers/keys/app.pub', signedIdentity: { type: 'matchRepository' } }],
            'docker.io/library/alpine': [{ type: 'sigstoreSigned', keyPath: '/etc/containers/keys/app.pub', signedIdentity: { type: 'matchRepository' } }],
          },
        },
      },
    ],
    [
      'key with a transparency log (Rekor SET required)',
      { ...KEY_SIGNER, tlog: true, sigstore: { rekorPublicKeyPem: REKOR_KEY } },
      {},
      {
        default: [{ type: 'reject' }],
        transports: { docker: { 'ghcr.io/octo-org/app': [{ type: 'sigstoreSigned', keyData: KEYB64, rekorPublicKeyData: Buffer.from(REKOR_KEY).toString('base64'), signedIdentity: { type: 'matchRepository' } }] } },
      },
    ],
  ])('%s', (_name, signer, options, expected) => {
    const r = containersPolicy(signer, options);
    expect(documentOf(r)).toEqual(expected);
    if (r.ok) expect(JSON.parse(r.text)).toEqual(expected);
  });

  it('refuses a key with tlog but no Rekor key (it could not check the log)', () => {
    const r = containersPolicy({ ...KEY_SIGNER, tlog: true });
    expect(r).toMatchObject({ ok: false, target: 'containers-policy.json', reason: expect.stringMatching(/no Rekor public key/) });
  });

  it('refuses every keyless signer, also without a transparency log, and says what is missing', () => {
    const r = containersPolicy({ ...REUSABLE, tlog: false });
    expect(r).toEqual({
      ok: false,
      target: 'containers-policy.json',
      reason: 'containers-policy.json cannot express a GitHub Actions keyless signer; a fulcio policy would either reject every such image or check less than it appears to',
      cannotExpress: [
        'the certificate identity: a GitHub Actions certificate carries the workflow as a URI SAN (https://github.com/OWNER/REPO/.github/workflows/FILE@REF) and no e-mail; sigstoreSigned.fulcio matches only subjectEmail, exactly, against the e-mail SANs (no URI, no regexp, no prefix)',
        'the caller repository, ref and trigger (Fulcio extensions 1.3.6.1.4.1.57264.1.5 / .1.6 / .1.2 and their .1.12+ successors): fulcio has no field for any certificate extension',
        'a keyless signature without a transparency log entry: fulcio requires rekorPublicKeyPath/rekorPublicKeyData and a Rekor SET in every signature',
      ],
      instead: [
        'sign with a key as well (sign-recursive with keyless: false, key, key-password) and install the key-based policy from containersPolicy() on hosts',
        'verify the keyless signature with cosign before the image reaches the host (cosignVerifyCommands()), or enforce it in Kubernetes with kyvernoClusterPolicy() or policyControllerClusterImagePolicy()',
      ],
      sources: [
        'containers/container-libs image/docs/containers-policy.json.5.md @ f0ddf1a745bb (2026-04-01; image/v5.39.2 and v5.40.0-dev)',
        'containers/container-libs image/signature/fulcio_cert.go @ f0ddf1a745bb: matches only subjectEmail against EmailAddresses',
      ],
    });
  });

  it('registries.d turns on sigstore attachments for each repository (keyless too)', () => {
    const r = registriesD({ ...REUSABLE, images: [IMAGE, 'localhost:5000/moam-it/app'] });
    expect(r.document).toEqual({ docker: { 'ghcr.io/octo-org/app': { 'use-sigstore-attachments': true }, 'localhost:5000/moam-it/app': { 'use-sigstore-attachments': true } } });
    expect(r.text).toBe('docker:\n  ghcr.io/octo-org/app:\n    use-sigstore-attachments: true\n  "localhost:5000/moam-it/app":\n    use-sigstore-attachments: true\n');
  });
});
