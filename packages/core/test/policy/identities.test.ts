// The identity fields of every generated document, against the certificates GitHub/Fulcio issue for a direct call at
// a tag, a reusable-workflow call at a tag and at a bare 40-hex SHA: each document accepts the genuine certificate
// and refuses every near miss, matched the way that consumer matches (see support.ts). Documents that cannot express
// the identity must refuse, naming what they cannot check.
import { describe, expect, it } from 'vitest';
import { containersPolicy } from '../../src/policy/containers-policy.ts';
import { cosignVerifyCommands } from '../../src/policy/cosign-commands.ts';
import { kyvernoClusterPolicy, kyvernoImageValidatingPolicy } from '../../src/policy/kyverno.ts';
import { policyControllerClusterImagePolicy } from '../../src/policy/policy-controller.ts';
import type { Generated, PolicyResult } from '../../src/policy/result.ts';
import { type FulcioCert, IMAGE, MOAM, SCENARIOS, SHA, cosignAccepts, forge, kyvernoAccepts, policyControllerAccepts } from './support.ts';

function ok<T>(r: PolicyResult<T>): Generated<T> {
  if (!r.ok) throw new Error(`refused: ${r.reason}`);
  return r;
}

type Accepts = (cert: FulcioCert) => boolean;

const engines: Array<[string, (s: (typeof SCENARIOS)[number]) => Accepts]> = [
  [
    'Kyverno ClusterPolicy',
    (s) => {
      const doc = ok(kyvernoClusterPolicy(s.signer)).document;
      const entry = doc.spec.rules[0]?.verifyImages[0]?.attestors[0]?.entries[0];
      if (!entry || !('keyless' in entry)) throw new Error('no keyless attestor');
      return (cert) => kyvernoAccepts(entry.keyless, cert);
    },
  ],
  [
    'policy-controller ClusterImagePolicy',
    (s) => {
      const doc = ok(policyControllerClusterImagePolicy(s.signer)).document;
      const authority = doc.spec.authorities[0];
      if (!authority || !doc.spec.policy) throw new Error('no authority or policy');
      const rego = doc.spec.policy.data;
      return (cert) => policyControllerAccepts(authority, rego, cert);
    },
  ],
  [
    'cosign verify',
    (s) => {
      const cmds = ok(cosignVerifyCommands(s.signer, { image: IMAGE, index: `sha256:${'1'.repeat(64)}` })).document;
      const cmd = cmds[0];
      if (!cmd) throw new Error('no command');
      return (cert) => cosignAccepts(cmd.argv, cmd.jq, cert);
    },
  ],
];

describe.each(SCENARIOS)('$name', (scenario) => {
  it.each(engines)('%s accepts the genuine certificate', (_engine, build) => {
    expect(build(scenario)(scenario.genuine)).toBe(true);
  });

  const cases = engines.flatMap(([engine, build]) => scenario.forgeries.map(([forgery, over]) => [engine, forgery, build, over] as const));
  it.each(cases)('%s refuses %s', (_engine, _forgery, build, over) => {
    expect(build(scenario)(forge(scenario.genuine, over))).toBe(false);
  });

  it('containers-policy.json refuses: it cannot match a URI SAN or any GitHub extension', () => {
    const r = containersPolicy(scenario.signer);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.cannotExpress.join('\n')).toMatch(/URI SAN .* matches only subjectEmail/);
    expect(r.cannotExpress.join('\n')).toMatch(/caller repository, ref and trigger/);
    expect(r.instead.join('\n')).toMatch(/sign with a key/);
  });

  it('the Kyverno ImageValidatingPolicy refuses: it cannot check the caller repository', () => {
    const r = kyvernoImageValidatingPolicy(scenario.signer);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.cannotExpress[0]).toContain(`the caller repository ${scenario.signer.repository}`);
    expect(r.reason).toMatch(/additionalExtensions is in its schema but its verifier ignores it/);
  });
});

describe('the identity fields, field by field', () => {
  // [scenario, Kyverno keyless identity + extensions, policy-controller identity, cosign identity flags]
  const table: Array<[string, Record<string, unknown>, Record<string, unknown>, string[]]> = [
    [
      'direct call at a tag',
      { subject: 'https://github.com/octo-org/app/.github/workflows/release.yml@refs/tags/v1.2.3', additionalExtensions: { githubWorkflowRepository: 'octo-org/app', githubWorkflowRef: 'refs/tags/v1.2.3', githubWorkflowTrigger: 'push' } },
      { subject: 'https://github.com/octo-org/app/.github/workflows/release.yml@refs/tags/v1.2.3' },
      [
        '--certificate-identity=https://github.com/octo-org/app/.github/workflows/release.yml@refs/tags/v1.2.3',
        '--certificate-github-workflow-repository=octo-org/app',
        '--certificate-github-workflow-trigger=push',
        '--certificate-github-workflow-ref=refs/tags/v1.2.3',
      ],
    ],
    [
      'direct call at any tag (identity regexp)',
      { subjectRegExp: '^https://github\\.com/octo-org/app/\\.github/workflows/release\\.yml@refs/tags/.+$', additionalExtensions: { githubWorkflowRepository: 'octo-org/app', githubWorkflowRef: 'refs/tags/*', githubWorkflowTrigger: 'push' } },
      { subjectRegExp: '^https://github\\.com/octo-org/app/\\.github/workflows/release\\.yml@refs/tags/.+$' },
      ['--certificate-identity-regexp=^https://github\\.com/octo-org/app/\\.github/workflows/release\\.yml@refs/tags/.+$', '--certificate-github-workflow-repository=octo-org/app', '--certificate-github-workflow-trigger=push'],
    ],
    [
      'reusable workflow at a tag',
      { subject: `${MOAM}@refs/tags/v1`, additionalExtensions: { githubWorkflowRepository: 'octo-org/app', githubWorkflowRef: 'refs/tags/*', githubWorkflowTrigger: 'push' } },
      { subject: `${MOAM}@refs/tags/v1` },
      [`--certificate-identity=${MOAM}@refs/tags/v1`, '--certificate-github-workflow-repository=octo-org/app', '--certificate-github-workflow-trigger=push'],
    ],
    [
      'reusable workflow pinned by SHA',
      { subject: `${MOAM}@${SHA}`, additionalExtensions: { githubWorkflowRepository: 'octo-org/app', githubWorkflowRef: 'refs/tags/*', githubWorkflowTrigger: 'push' } },
      { subject: `${MOAM}@${SHA}` },
      [`--certificate-identity=${MOAM}@${SHA}`, '--certificate-github-workflow-repository=octo-org/app', '--certificate-github-workflow-trigger=push'],
    ],
  ];

  it.each(table)('%s', (name, kyverno, pc, cosign) => {
    const s = SCENARIOS.find((x) => x.name === name);
    if (!s) throw new Error(name);
    const entry = ok(kyvernoClusterPolicy(s.signer)).document.spec.rules[0]?.verifyImages[0]?.attestors[0]?.entries[0];
    expect(entry).toEqual({ keyless: { issuer: 'https://token.actions.githubusercontent.com', ...kyverno, rekor: { url: 'https://rekor.sigstore.dev' } } });
    const identities = ok(policyControllerClusterImagePolicy(s.signer)).document.spec.authorities[0]?.keyless?.identities;
    expect(identities).toEqual([{ issuer: 'https://token.actions.githubusercontent.com', ...pc }]);
    const argv = ok(cosignVerifyCommands(s.signer, { image: IMAGE, index: `sha256:${'1'.repeat(64)}` })).document[0]?.argv ?? [];
    expect(argv.filter((a) => a.startsWith('--certificate-') && !a.startsWith('--certificate-oidc-issuer'))).toEqual(cosign);
  });
});
