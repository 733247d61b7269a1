import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedSignerOf, parsePolicyKinds, writeConsumerPolicies } from '../src/verify/policies.ts';
import { readVerifyInputs } from '../src/verify/inputs.ts';
import type { VerifyReport } from '../src/verify/run.ts';
import type { Digest } from '../src/digest.ts';

const d = (c: string) => `sha256:${c.repeat(64)}` as Digest;
const MOAM = 'moam-project/multi-arch-of-madness';
const inputs = (over: Record<string, string> = {}) =>
  readVerifyInputs((k) => ({ image: 'ghcr.io/octo-org/app:1.2.3', repository: 'octo-org/app', 'workflow-repository': MOAM, workflow: '.github/workflows/multi-arch.yml', 'ref-pattern': 'any', 'source-ref': 'refs/tags/v1.2.3', trigger: 'push', 'certificate-oidc-issuer': 'https://token.actions.githubusercontent.com', ...over })[k] ?? '', {});
const report: VerifyReport = {
  image: 'ghcr.io/octo-org/app:1.2.3',
  digest: d('a'),
  verified: true,
  problems: [],
  digests: [
    { digest: d('a'), kind: 'index', verified: true, problems: [] },
    { digest: d('b'), kind: 'platform', platform: 'linux/amd64', verified: true, problems: [] },
    { digest: d('c'), kind: 'platform', platform: 'linux/arm64', verified: true, problems: [] },
  ],
};

describe('consumer policies from what verify checked', () => {
  it('the expected signer is exactly what verify enforced: identity, issuer, caller repository, source ref, trigger', () => {
    expect(expectedSignerOf(inputs())).toMatchObject({
      kind: 'keyless',
      images: ['ghcr.io/octo-org/app'],
      identity: { regexp: `^https://github\\.com/moam-project/multi-arch-of-madness/\\.github/workflows/multi-arch\\.yml@(?:refs/.+|[0-9a-f]{40})$` },
      repository: 'octo-org/app',
      sourceRef: 'refs/tags/v1.2.3',
      trigger: 'push',
      tlog: true,
    });
    const exact = `https://github.com/${MOAM}/.github/workflows/multi-arch.yml@${'a'.repeat(40)}`;
    expect(expectedSignerOf(inputs({ 'certificate-identity': exact }))).toMatchObject({ identity: { san: exact } });
  });

  it('writes kyverno, policy-controller and cosign files, and for podman the refusal (a URI identity it cannot match)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'moam-policies-'));
    const w = await writeConsumerPolicies(parsePolicyKinds('all'), inputs(), report, dir);
    expect(w.files.sort()).toEqual(['cosign-verify.sh', 'kyverno-clusterpolicy.yaml', 'policy-controller-clusterimagepolicy.yaml'].sort());
    expect((await readdir(dir)).sort()).toEqual(w.files.sort());
    expect(w.refusals.join('\n')).toMatch(/containers-policy\.json: /);
    expect(w.refusals.join('\n')).toMatch(/kyverno-image-validating-policy/);
    const cosign = await readFile(path.join(dir, 'cosign-verify.sh'), 'utf8');
    expect(cosign).toContain(`ghcr.io/octo-org/app@${d('b')}`);
    expect(cosign).toContain('--certificate-github-workflow-repository=octo-org/app');
    expect(cosign).toContain('--certificate-github-workflow-ref=refs/tags/v1.2.3');
    expect(await readFile(path.join(dir, 'kyverno-clusterpolicy.yaml'), 'utf8')).toMatch(/githubWorkflowRepository: octo-org\/app/);
    expect(w.summary).toMatch(/\*\*policy\.json: not generated\.\*\*/);
  });

  it('a key-based signer gets a podman policy it can enforce', async () => {
    const pem = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE1Fo0fHbP7l5bXsbL3GuUs2cmbyQmP5T0UoSu8qg7UdxNNYqHQn+R6lWLm4KLwXhTgX6k6OJB8dqZkBq/4VwIpA==\n-----END PUBLIC KEY-----\n';
    const dir = await mkdtemp(path.join(os.tmpdir(), 'moam-policies-'));
    const keyInputs = readVerifyInputs((k) => ({ image: 'ghcr.io/octo-org/app:1.2.3', key: pem, 'insecure-ignore-tlog': 'true' })[k] ?? '', {});
    const w = await writeConsumerPolicies(['podman'], keyInputs, report, dir);
    expect(w.files.sort()).toEqual(['policy.json', 'registries.d/moam.yaml']);
    expect(JSON.parse(await readFile(path.join(dir, 'policy.json'), 'utf8')).transports.docker['ghcr.io/octo-org/app'][0]).toMatchObject({ type: 'sigstoreSigned', signedIdentity: { type: 'matchRepository' } });
  });

  it('a key-based signer in the public Rekor: podman needs that log\'s key, so it says so rather than skip the log check', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'moam-policies-'));
    const pem = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE1Fo0fHbP7l5bXsbL3GuUs2cmbyQmP5T0UoSu8qg7UdxNNYqHQn+R6lWLm4KLwXhTgX6k6OJB8dqZkBq/4VwIpA==\n-----END PUBLIC KEY-----\n';
    const w = await writeConsumerPolicies(['podman'], readVerifyInputs((k) => ({ image: 'ghcr.io/octo-org/app:1.2.3', key: pem })[k] ?? '', {}), report, dir);
    expect(w.files).toEqual([]);
    expect(w.refusals.join('\n')).toMatch(/rekor/i);
  });

  it('refuses an unknown kind, naming the input', () => {
    expect(() => parsePolicyKinds('podman,helm')).toThrow(/Input "policies": "helm" is not a policy kind/);
    expect(parsePolicyKinds('')).toEqual([]);
  });
});
