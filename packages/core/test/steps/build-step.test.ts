import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readBuildInputs } from '../../src/build-leg/inputs.ts';
import { buildOutputs, runBuildLeg } from '../../src/build-leg/step.ts';
import { renderBuildSummary } from '../../src/build-leg/summary.ts';
import { validateRecord } from '../../src/handoff/record.ts';
import { InputError } from '../../src/errors.ts';
import { parseImageName } from '../../src/image.ts';
import { type FakeWorld, type FakeWorldOptions, fakeWorld } from '../support/fake-context.ts';

const APP = parseImageName('localhost:5000/o/app');
const context = mkdtempSync(path.join(os.tmpdir(), 'moam-build-step-'));
writeFileSync(path.join(context, 'Dockerfile'), 'FROM scratch\n');
const ENV = { GITHUB_REPOSITORY: 'o/app', GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '1', GITHUB_SHA: 'a'.repeat(40), GITHUB_REF: 'refs/tags/v1.2.3', GITHUB_REF_NAME: 'v1.2.3', RUNNER_ENVIRONMENT: 'github-hosted', SOURCE_DATE_EPOCH: '1767225600' };

const worlds: FakeWorld[] = [];
afterEach(async () => void (await Promise.all(worlds.splice(0).map((w) => w.dispose()))));

async function build(inputs: Record<string, string>, opts: FakeWorldOptions = {}) {
  const w = fakeWorld({ env: ENV, ...opts, inputs: { images: APP.name, platform: 'linux/arm64', context, ...inputs } });
  worlds.push(w);
  const parsed = readBuildInputs(w.ctx.read, context);
  return { w, run: () => runBuildLeg(w.ctx, parsed) };
}

const buildArgv = (w: FakeWorld) => w.calls.find((c) => c[1] === 'buildx' && c[2] === 'build');

describe('runBuildLeg', () => {
  it('builds one platform with provenance and SBOM, pushes it by digest (no tag) and hands the digest over', async () => {
    const { w, run } = await build({});
    const result = await run();
    // Pushed by digest only: the leg index and its two manifests, and no tag.
    expect(await w.registry.headManifest(APP, result.digest)).toMatchObject({ digest: result.digest });
    expect(w.registry.tagsOf(APP)).toEqual({});
    // The record the merge job reads: this platform, this digest, this run.
    const stored = w.store.artifacts.get('digests-linux-arm64');
    expect(stored?.map((f) => f.name)).toEqual(['linux-arm64.json']);
    const { record, problems } = validateRecord(String(stored?.[0]?.content), 'digests-linux-arm64');
    expect(problems).toEqual([]);
    expect(record).toMatchObject({ platform: 'linux/arm64', digest: result.digest, images: [APP.name], run: { repository: 'o/app', runId: '42', runAttempt: '1', runnerEnvironment: 'github-hosted' } });
    expect(buildOutputs(result)).toEqual({ digest: result.digest, platform: 'linux/arm64', images: APP.name, 'artifact-name': 'digests-linux-arm64', metadata: JSON.stringify(result.metadata.raw) });
  });

  it('signs where the leg ran into the manifest and stamps the commit time, so every leg labels alike', async () => {
    const { w, run } = await build({ labels: 'org.opencontainers.image.title=mine' });
    await run();
    const argv = buildArgv(w) ?? [];
    expect(argv).toContain('--annotation=manifest:dev.moam.runner-environment=github-hosted');
    expect(argv).toContain('--label=org.opencontainers.image.title=mine');
    expect(argv).toContain('--label=org.opencontainers.image.created=2026-01-01T00:00:00Z');
    expect(argv).toContain('--attest=type=provenance,mode=max');
    expect(argv).toContain('--attest=type=sbom');
  });

  it.each<{ name: string; inputs: Record<string, string>; version: string; option: string; artifactType?: string }>([
    { name: 'auto on BuildKit 0.25 writes the artifact form', inputs: {}, version: '0.25.1', option: ',oci-artifact=true', artifactType: 'application/vnd.docker.attestation.manifest.v1+json' },
    { name: 'auto on BuildKit 0.13 keeps what it writes', inputs: {}, version: '0.13.2', option: '', artifactType: undefined },
    { name: 'legacy on BuildKit 0.32 turns the artifact form off', inputs: { 'attestation-form': 'legacy' }, version: '0.32.0', option: ',oci-artifact=false', artifactType: undefined },
  ])('attestation form: $name', async ({ inputs, version, option, artifactType }) => {
    const { w, run } = await build(inputs, { buildx: { buildkitVersion: version } });
    const result = await run();
    expect(buildArgv(w)?.find((a) => a.startsWith('--output='))).toBe(`--output=type=image,"name=${APP.name}",push-by-digest=true,name-canonical=true,push=true,oci-mediatypes=true${option}`);
    const attestation = (await w.registry.getManifest(APP, result.digest)).json.manifests?.[1]?.digest as string;
    expect((await w.registry.getManifest(APP, attestation)).json.artifactType).toBe(artifactType);
  });

  it('refuses attestation-form: artifact on a BuildKit that cannot write it, before building', async () => {
    const { w, run } = await build({ 'attestation-form': 'artifact' }, { buildx: { buildkitVersion: '0.13.2' } });
    await expect(run()).rejects.toThrow(/Input "attestation-form": is artifact, but builder "moam-builder" \(BuildKit v0\.13\.2\) writes attestations only in the legacy form/);
    expect(buildArgv(w)).toBeUndefined();
  });

  it('masks build secrets before anything runs and never puts them on argv', async () => {
    const { w, run } = await build({ secrets: 'GIT_AUTH_TOKEN=s3cr3t-value' });
    await run();
    expect(w.masked).toEqual(['s3cr3t-value']);
    expect(JSON.stringify(w.calls)).not.toContain('s3cr3t-value');
    expect(buildArgv(w)).toContain('--secret=id=GIT_AUTH_TOKEN,env=MOAM_BUILD_SECRET_0');
  });

  it('push: false builds and validates, pushes nothing and hands nothing over', async () => {
    const { w, run } = await build({ push: 'false' });
    const result = await run();
    expect(result.pushed).toBe(false);
    expect(w.registry.writes).toEqual([]);
    expect(w.registry.manifests.size).toBe(0);
    expect(w.store.artifacts.size).toBe(0);
    expect(buildOutputs(result)['artifact-name']).toBe('');
  });

  it('refuses pull-only credentials before building, naming the repository and scope', async () => {
    const { w, run } = await build({});
    w.registry.pullOnly.add('localhost:5000/o/app');
    await expect(run()).rejects.toThrow(/may pull from o\/app but not push \(scope repository:o\/app:push was not granted\)/);
    expect(buildArgv(w)).toBeUndefined();
    expect(w.store.artifacts.size).toBe(0);
  });

  it('refuses a self-hosted runner unless allowed, before anything runs', async () => {
    const { w, run } = await build({ 'allow-self-hosted': 'false' }, { env: { ...ENV, RUNNER_ENVIRONMENT: 'self-hosted' } });
    await expect(run()).rejects.toThrow(InputError);
    expect(w.calls).toEqual([]);
  });

  it('a failed build hands nothing over and says nothing was pushed', async () => {
    const { w, run } = await build({}, { buildx: { failWith: 'ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2' } });
    await expect(run()).rejects.toThrow(/docker buildx build for linux\/arm64 failed: ERROR: failed to solve: .*exit code: 2\. Nothing was pushed and no digest artifact was uploaded\./);
    expect(w.store.artifacts.size).toBe(0);
  });

  it('does not hand over a digest the registry does not hold after the push', async () => {
    const { w, run } = await build({}, { buildx: { dropPush: true } });
    await expect(run()).rejects.toThrow(/localhost:5000\/o\/app@sha256:[a-f0-9]{64} is not in the registry after the push/);
    expect(w.store.artifacts.size).toBe(0);
  });

  it('summarises the leg', async () => {
    const { run } = await build({ 'sbom-generator': 'docker/buildkit-syft-scanner:1' });
    const result = await run();
    expect(renderBuildSummary(result)).toBe(
      [
        '### build-by-digest: linux/arm64',
        '',
        '|  |  |',
        '| --- | --- |',
        '| Platform | `linux/arm64` |',
        `| Digest | \`${result.digest}\` |`,
        '| Pushed | yes, by digest (no tag) to 1 image name |',
        '| Provenance | yes (mode=max) |',
        '| SBOM | yes (generator `docker/buildkit-syft-scanner:1`) |',
        '| Attestation manifest | OCI artifact form |',
        '| Builder | moam-builder (docker-container driver, buildx 0.13.1+ds1) |',
        '| Digest artifact | `digests-linux-arm64` |',
        '| Duration | 0 ms |',
        '',
        `- \`${APP.name}@${result.digest}\``,
        '',
      ].join('\n'),
    );
  });
});
