// Every Kubernetes document the generators emit validates against the upstream CRD schema (vendored in
// ../fixtures/policy, see its README), with Kubernetes' strict field validation; a wrong field name fails.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type ExpectedSigner } from '../../src/policy/expected-signer.ts';
import { kyvernoClusterPolicy, kyvernoImageValidatingPolicy } from '../../src/policy/kyverno.ts';
import { policyControllerClusterImagePolicy } from '../../src/policy/policy-controller.ts';
import type { PolicyResult } from '../../src/policy/result.ts';
import { CA_PEM, CRD_SCHEMAS, DIRECT_ANY_TAG, KEY_SIGNER, REKOR_KEY, REUSABLE, SCENARIOS, crdErrors, strictFields } from './support.ts';

const signers: Array<[string, ExpectedSigner]> = [
  ...SCENARIOS.map((s): [string, ExpectedSigner] => [s.name, s.signer]),
  ['keyless without a transparency log', { ...REUSABLE, tlog: false }],
  [
    'keyless, private Sigstore',
    { ...REUSABLE, sigstore: { fulcioUrl: 'https://fulcio.internal', rekorUrl: 'https://rekor.internal', fulcioCaPem: CA_PEM, rekorPublicKeyPem: REKOR_KEY, ctlogPublicKeyPem: REKOR_KEY, trustRootRef: 'internal' } },
  ],
  ['key', KEY_SIGNER],
  ['key with a private Rekor', { ...KEY_SIGNER, tlog: true, sigstore: { rekorUrl: 'https://rekor.internal', rekorPublicKeyPem: REKOR_KEY, trustRootRef: 'internal' } }],
  ['key, several images incl. Docker Hub', { ...KEY_SIGNER, images: ['ghcr.io/a/b', 'alpine', 'localhost:5000/x/y'] }],
];

/** The generated documents as a consumer reads them: parsed back from the emitted YAML text. */
function parsed<T>(r: PolicyResult<T>): unknown {
  if (!r.ok) return undefined;
  return parse(r.text);
}

describe.each(signers)('%s', (_name, signer) => {
  it('Kyverno ClusterPolicy (per-rule failureAction and legacy validationFailureAction)', () => {
    for (const legacyFailureAction of [false, true]) {
      const doc = parsed(kyvernoClusterPolicy(signer, { legacyFailureAction }));
      expect(doc).toBeDefined();
      expect(crdErrors('clusterPolicy', doc)).toEqual([]);
    }
  });

  it('Kyverno ImageValidatingPolicy (generated for keys only)', () => {
    const r = kyvernoImageValidatingPolicy(signer);
    expect(r.ok).toBe(signer.kind === 'key');
    if (r.ok) expect(crdErrors('imageValidatingPolicy', parsed(r))).toEqual([]);
  });

  it('policy-controller ClusterImagePolicy', () => {
    const doc = parsed(policyControllerClusterImagePolicy(signer));
    expect(doc).toBeDefined();
    expect(crdErrors('clusterImagePolicy', doc)).toEqual([]);
  });
});

describe('a wrong field fails validation', () => {
  const keyless = REUSABLE;
  const clone = (v: unknown): Record<string, unknown> => JSON.parse(JSON.stringify(v)) as Record<string, unknown>;
  const at = (o: unknown, ...keys: Array<string | number>): Record<string, unknown> => keys.reduce<unknown>((x, k) => (x as Record<string | number, unknown>)[k], o) as Record<string, unknown>;

  it.each<[string, keyof typeof CRD_SCHEMAS, () => unknown, RegExp]>([
    [
      'ClusterPolicy keyless.subjectRegexp (for subjectRegExp)',
      'clusterPolicy',
      () => {
        const doc = clone(parsed(kyvernoClusterPolicy(DIRECT_ANY_TAG)));
        const keylessAttestor = at(doc, 'spec', 'rules', 0, 'verifyImages', 0, 'attestors', 0, 'entries', 0, 'keyless');
        keylessAttestor.subjectRegexp = keylessAttestor.subjectRegExp;
        delete keylessAttestor.subjectRegExp;
        return doc;
      },
      /additionalProperty.*subjectRegexp/,
    ],
    [
      'ClusterPolicy failureAction: enforce (lower case)',
      'clusterPolicy',
      () => {
        const doc = clone(parsed(kyvernoClusterPolicy(keyless)));
        at(doc, 'spec', 'rules', 0, 'verifyImages', 0).failureAction = 'enforce';
        return doc;
      },
      /failureAction must be equal to one of the allowed values/,
    ],
    [
      'ClusterPolicy verifyImages.imageReference (singular)',
      'clusterPolicy',
      () => {
        const doc = clone(parsed(kyvernoClusterPolicy(keyless)));
        const vi = at(doc, 'spec', 'rules', 0, 'verifyImages', 0);
        vi.imageReference = vi.imageReferences;
        return doc;
      },
      /additionalProperty.*imageReference"/,
    ],
    [
      'ImageValidatingPolicy validationActions: [Enforce]',
      'imageValidatingPolicy',
      () => {
        const doc = clone(parsed(kyvernoImageValidatingPolicy(KEY_SIGNER)));
        at(doc, 'spec').validationActions = ['Enforce'];
        return doc;
      },
      /validationActions\/0 must be equal to one of the allowed values/,
    ],
    [
      'ClusterImagePolicy identities[].subjectRegexp',
      'clusterImagePolicy',
      () => {
        const doc = clone(parsed(policyControllerClusterImagePolicy(DIRECT_ANY_TAG)));
        const id = at(doc, 'spec', 'authorities', 0, 'keyless', 'identities', 0);
        id.subjectRegexp = id.subjectRegExp;
        delete id.subjectRegExp;
        return doc;
      },
      /additionalProperty.*subjectRegexp/,
    ],
    [
      'ClusterImagePolicy at apiVersion v1',
      'clusterImagePolicy',
      () => ({ ...clone(parsed(policyControllerClusterImagePolicy(keyless))), apiVersion: 'policy.sigstore.dev/v1' }),
      /apiVersion\/kind policy\.sigstore\.dev\/v1\/ClusterImagePolicy/,
    ],
  ])('%s', (_name, which, build, why) => {
    const errors = crdErrors(which, build());
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(why);
  });

  it('strictFields leaves maps and preserve-unknown-fields objects open', () => {
    expect(
      strictFields({
        type: 'object',
        properties: {
          a: { type: 'object', additionalProperties: { type: 'string' } },
          b: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { c: { type: 'string' } } },
          d: { type: 'object', properties: { e: { type: 'string' } } },
        },
      }),
    ).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: {
        a: { type: 'object', additionalProperties: { type: 'string' } },
        b: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { c: { type: 'string' } } },
        d: { type: 'object', properties: { e: { type: 'string' } }, additionalProperties: false },
      },
    });
  });
});
