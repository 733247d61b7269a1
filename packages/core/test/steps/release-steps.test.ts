// The four steps of a release run back to back on in-memory fakes: two build legs hand their digests over, merge
// publishes the index, sign signs it keyless, verify checks it. Each test then breaks one thing.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readBuildInputs } from '../../src/build-leg/inputs.ts';
import { runBuildLeg } from '../../src/build-leg/step.ts';
import { readMergeInputs } from '../../src/merge/inputs.ts';
import { runMerge } from '../../src/merge/step.ts';
import { mergeOutputs } from '../../src/merge/outputs.ts';
import { renderMergeSummary } from '../../src/merge/summary.ts';
import { readSignInputs } from '../../src/sign/inputs.ts';
import { runSign, signOutputs } from '../../src/sign/step.ts';
import { renderSignSummary } from '../../src/sign/summary.ts';
import { readVerifyInputs } from '../../src/verify/inputs.ts';
import { runVerify } from '../../src/verify/step.ts';
import { verifyFailure, verifyOutputs } from '../../src/verify/outputs.ts';
import { renderVerifySummary } from '../../src/verify/summary.ts';
import { parseImageName } from '../../src/image.ts';
import type { Digest } from '../../src/digest.ts';
import { MemoryRegistry } from '../support/memory-registry.ts';
import { memoryStore } from '../support/memory-store.ts';
import type { FakeSignature } from '../support/fake-cosign.ts';
import { type FakeWorld, type FakeWorldOptions, ISSUER, fakeWorld } from '../support/fake-context.ts';

const APP = parseImageName('localhost:5000/o/app');
const WORKFLOW_REF = 'o/app/.github/workflows/release.yml@refs/tags/v1.2.3';
const IDENTITY = `https://github.com/${WORKFLOW_REF}`;
const ENV = { GITHUB_REPOSITORY: 'o/app', GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '1', GITHUB_SHA: 'a'.repeat(40), GITHUB_REF: 'refs/tags/v1.2.3', GITHUB_REF_NAME: 'v1.2.3', GITHUB_EVENT_NAME: 'push', RUNNER_ENVIRONMENT: 'github-hosted', SOURCE_DATE_EPOCH: '1767225600' };
const CLAIMS = { job_workflow_ref: WORKFLOW_REF, repository: 'o/app', repository_visibility: 'public' };
const context = mkdtempSync(path.join(os.tmpdir(), 'moam-release-steps-'));
writeFileSync(path.join(context, 'Dockerfile'), 'FROM scratch\n');

const worlds: FakeWorld[] = [];
afterEach(async () => void (await Promise.all(worlds.splice(0).map((w) => w.dispose()))));
function world(opts: FakeWorldOptions): FakeWorld {
  const w = fakeWorld({ env: ENV, ...opts });
  worlds.push(w);
  return w;
}

/** Shared between the jobs of one run, as the registry and GitHub's artifact service are. */
function shared() {
  return { registry: new MemoryRegistry(), store: memoryStore(), signatures: new Map<string, FakeSignature[]>() };
}

async function legs(s: ReturnType<typeof shared>, platforms = ['linux/amd64', 'linux/arm64'], buildkitVersion?: string): Promise<void> {
  for (const platform of platforms) {
    const w = world({ ...s, inputs: { images: APP.name, platform, context }, ...(buildkitVersion ? { buildx: { buildkitVersion } } : {}) });
    await runBuildLeg(w.ctx, readBuildInputs(w.ctx.read, context));
  }
}

async function merge(s: ReturnType<typeof shared>, env: Record<string, string> = ENV) {
  const w = world({ ...s, env, inputs: { images: APP.name, platforms: 'linux/amd64,linux/arm64' } });
  return { w, result: await runMerge(w.ctx, readMergeInputs(w.ctx.read)) };
}

async function sign(s: ReturnType<typeof shared>, digest: Digest, opts: Partial<FakeWorldOptions> = {}) {
  const w = world({ ...s, idToken: CLAIMS, env: { ...ENV, ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example/', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'req' }, ...opts, inputs: { images: APP.name, digest, ...opts.inputs } });
  return { w, result: await runSign(w.ctx, readSignInputs(w.ctx.read)) };
}

async function verify(s: ReturnType<typeof shared>, inputs: Record<string, string> = {}) {
  const w = world({ ...s, inputs: { image: `${APP.name}:1.2.3`, platforms: 'linux/amd64,linux/arm64', 'require-attestations': 'provenance,sbom', 'certificate-identity': IDENTITY, ...inputs } });
  return { w, result: await runVerify(w.ctx, readVerifyInputs(w.ctx.read, w.ctx.env)) };
}

describe('a release, step by step', () => {
  it.each([
    { form: 'OCI artifact form', buildkit: '0.25.1', artifactType: 'application/vnd.docker.attestation.manifest.v1+json' },
    { form: 'legacy form', buildkit: '0.13.2', artifactType: undefined },
  ])('legs -> merge -> sign -> verify: one signed, attested index for both platforms (attestations in the $form)', async ({ buildkit, artifactType }) => {
    const s = shared();
    await legs(s, undefined, buildkit);

    const merged = await merge(s);
    const digest = merged.result.digest as Digest;
    expect(merged.result.failure).toBeUndefined();
    const attestations = (merged.result.index?.manifests ?? []).filter((m) => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest');
    expect(attestations).toHaveLength(2);
    for (const a of attestations) expect((await s.registry.getManifest(APP, a.digest)).json.artifactType).toBe(artifactType);
    expect(s.registry.tagsOf(APP)).toEqual({ '1.2.3': digest, '1.2': digest, '1': digest, latest: digest });
    expect(mergeOutputs(merged.result)).toMatchObject({ digest, version: '1.2.3', tags: '1.2.3,1.2,1,latest', platforms: 'linux/amd64,linux/arm64' });
    const mergeSummary = renderMergeSummary(merged.result);
    expect(mergeSummary).toContain(`**Index digest** \`${digest}\``);
    expect(mergeSummary).toContain(['```bash', `docker pull ${APP.name}@${digest}`, `docker pull --platform linux/amd64 ${APP.name}:1.2.3`, `docker pull --platform linux/arm64 ${APP.name}:1.2.3`, '```'].join('\n'));

    const signed = await sign(s, digest);
    expect(signed.result.entries.map((e) => `${e.kind}:${e.platform ?? ''}:${e.status}:${e.signatures}`)).toEqual([
      'index::signed:1',
      'platform:linux/amd64:signed:1',
      'attestation:linux/amd64:signed:1',
      'platform:linux/arm64:signed:1',
      'attestation:linux/arm64:signed:1',
    ]);
    expect(signOutputs(signed.result)).toEqual({ signed: JSON.stringify(signed.result.entries), 'cosign-version': '2.5.0', 'signer-identity': IDENTITY, 'signer-issuer': ISSUER });
    expect(signed.w.masked).toHaveLength(1); // the OIDC token, masked once, before cosign sees it
    expect(signed.w.logs).toContain(`Signing keyless as ${IDENTITY} (issuer ${ISSUER})`);
    expect(renderSignSummary(signed.result)).toContain(`5 signed, 0 skipped (already signed by this signer) · cosign 2.5.0 · keyless (${IDENTITY})`);

    const verified = await verify(s);
    expect(verified.result.report.problems).toEqual([]);
    expect(verifyOutputs(verified.result)).toMatchObject({ digest, verified: 'true', 'policies-dir': '' });
    expect(verifyFailure(verified.result)).toBeUndefined();
    expect(renderVerifySummary(verified.result)).toMatch(/^### verify: verified\n/);
    expect(verified.w.logs[0]).toBe(`Expected signer: identity ${IDENTITY}, issuer ${ISSUER}, repository o/app`);
  });

  it('a re-run signs nothing twice', async () => {
    const s = shared();
    await legs(s);
    const digest = (await merge(s)).result.digest as Digest;
    await sign(s, digest);
    const again = await sign(s, digest);
    expect(again.result.entries.every((e) => e.status === 'skipped')).toBe(true);
    expect(again.w.calls.filter((c) => c[0] === 'cosign' && c[1] === 'sign')).toEqual([]);
  });

  it('merge refuses an incomplete release and publishes nothing', async () => {
    const s = shared();
    await legs(s, ['linux/amd64']);
    const before = [...s.registry.writes];
    await expect(merge(s)).rejects.toThrow(/the digest records do not make a complete release; nothing was tagged or pushed/);
    expect(s.registry.writes).toEqual(before);
    expect(s.registry.tagsOf(APP)).toEqual({});
  });

  it('merge refuses a git tag that is not SemVer before reading anything', async () => {
    const s = shared();
    await legs(s);
    const before = [...s.registry.writes];
    const run = merge(s, { ...ENV, GITHUB_REF: 'refs/tags/release-7', GITHUB_REF_NAME: 'release-7' });
    await expect(run).rejects.toThrow(/release-7/);
    expect(s.registry.writes).toEqual(before);
  });

  it('sign without the id-token permission fails before cosign runs', async () => {
    const s = shared();
    await legs(s);
    const digest = (await merge(s)).result.digest as Digest;
    await expect(sign(s, digest, { env: ENV })).rejects.toThrow(/id-token: write/);
    expect(s.signatures.size).toBe(0);
  });

  it('sign refuses to put a private repository into the public transparency log', async () => {
    const s = shared();
    await legs(s);
    const digest = (await merge(s)).result.digest as Digest;
    await expect(sign(s, digest, { idToken: { ...CLAIMS, repository_visibility: 'private' } })).rejects.toThrow(/private/);
    expect(s.signatures.size).toBe(0);
  });

  it('verify fails when one platform manifest was signed by someone else, naming that digest', async () => {
    const s = shared();
    await legs(s);
    const digest = (await merge(s)).result.digest as Digest;
    await sign(s, digest);
    const arm64 = (await s.registry.getManifest(APP, digest)).json.manifests?.find((m) => m.platform?.architecture === 'arm64')?.digest as Digest;
    s.signatures.set(arm64, [{ subject: 'https://github.com/evil/app/.github/workflows/release.yml@refs/tags/v1.2.3', issuer: ISSUER, repository: 'evil/app' }]);
    const { result } = await verify(s);
    expect(result.report.verified).toBe(false);
    expect(verifyOutputs(result).verified).toBe('false');
    expect(verifyFailure(result)).toMatch(new RegExp(`platform linux/arm64 ${arm64}: signature not verified`));
    expect(renderVerifySummary(result)).toMatch(/^### verify: FAILED\n/);
  });

  it('verify fails an image built without an SBOM when the SBOM is required', async () => {
    const s = shared();
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      const w = world({ ...s, inputs: { images: APP.name, platform, context, sbom: 'false' } });
      await runBuildLeg(w.ctx, readBuildInputs(w.ctx.read, context));
    }
    const digest = (await merge(s)).result.digest as Digest;
    await sign(s, digest);
    const { result } = await verify(s);
    expect(result.report.verified).toBe(false);
    expect(result.report.problems).toEqual([expect.stringMatching(/linux\/amd64 sha256:[a-f0-9]{64}: no sbom attestation/), expect.stringMatching(/linux\/arm64 sha256:[a-f0-9]{64}: no sbom attestation/)]);
  });

  it('verify writes the consumer policies of the verified signer and hands them over', async () => {
    const s = shared();
    await legs(s);
    const digest = (await merge(s)).result.digest as Digest;
    await sign(s, digest);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'moam-policies-'));
    const { result } = await verify(s, { policies: 'podman,cosign', 'policies-dir': dir, 'policies-artifact': 'consumer-policies' });
    expect(result.report.verified).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(result.policies?.files.slice().sort());
    expect(verifyOutputs(result)['policies-dir']).toBe(dir);
    expect(s.store.artifacts.has('consumer-policies')).toBe(true);
    expect(renderVerifySummary(result)).toContain(result.policies?.summary);
  });
});
