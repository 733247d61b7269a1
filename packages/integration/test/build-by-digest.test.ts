import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { imagetoolsRaw, registryTags, runBundledAction, testbed, tool, uniqueName } from '@moam/testkit';

const tb = testbed();

async function blobJson(registry: string, repo: string, digest: string, accept: string): Promise<{ layers?: Array<{ annotations?: Record<string, string> }> }> {
  const res = await fetch(`http://${registry}/v2/${repo}/manifests/${digest}`, { headers: { accept } });
  return (await res.json()) as { layers?: Array<{ annotations?: Record<string, string> }> };
}

function inputsFor(image: string, platform: string): Record<string, string> {
  return {
    images: image,
    platform,
    context: tb.sampleApp,
    'build-args': `BUSYBOX_IMAGE=${tb.busyboxImage}`,
    'sbom-generator': tb.sbomGenerator,
  };
}

describe('build-by-digest (bundled action, real buildx + registry)', () => {
  const repo = `moam-it/${uniqueName('bbd')}`;
  const image = `${tb.registry}/${repo}`;
  let handoff: string;
  beforeAll(async () => {
    handoff = await mkdtemp(path.join(os.tmpdir(), 'moam-handoff-'));
  });

  it.each(['linux/amd64', 'linux/arm64'])('builds %s with provenance + SBOM and pushes it by digest only', async (platform) => {
    const run = await runBundledAction('build-by-digest', { inputs: inputsFor(image, platform), env: { MOAM_HANDOFF_DIR: handoff, GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '1', GITHUB_REPOSITORY: 'o/app' } });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const digest = run.outputs.digest as string;
    expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(run.outputs.platform).toBe(platform);
    const slug = platform.replace('/', '-');
    expect(run.outputs['artifact-name']).toBe(`digests-${slug}`);
    expect(JSON.parse(run.outputs.metadata as string)['containerimage.digest']).toBe(digest);

    // The digest is an index: the platform manifest and its attestation manifest with provenance + SBOM.
    const index = await imagetoolsRaw(`${image}@${digest}`);
    const [arch] = platform.split('/').slice(1);
    expect(index.manifests.map((m) => `${m.platform?.os}/${m.platform?.architecture}`).sort()).toEqual([`linux/${arch}`, 'unknown/unknown']);
    const att = index.manifests.find((m) => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest');
    const attManifest = await blobJson(tb.registry, repo, att?.digest as string, 'application/vnd.oci.image.manifest.v1+json');
    expect(attManifest.layers?.map((l) => l.annotations?.['in-toto.io/predicate-type']).sort()).toEqual(['https://slsa.dev/provenance/v0.2', 'https://spdx.dev/Document']);

    // No tag was created.
    expect(await registryTags(tb.registry, repo)).toEqual([]);

    // The hand-off record.
    const record = JSON.parse(await readFile(path.join(handoff, `digests-${slug}`, `${slug}.json`), 'utf8'));
    expect(record).toMatchObject({ schema: 'multi-arch-of-madness/digest-record', version: 1, platform, digest, images: [image], mediaType: 'application/vnd.oci.image.index.v1+json', run: { runId: '42', runAttempt: '1', repository: 'o/app' } });
    expect(run.summary).toContain(`build-by-digest: ${platform}`);
    expect(run.summary).toContain(digest);
  });

  it('push: false builds and validates only: nothing pushed, no artifact', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'moam-handoff-'));
    const other = `moam-it/${uniqueName('nopush')}`;
    const run = await runBundledAction('build-by-digest', { inputs: { ...inputsFor(`${tb.registry}/${other}`, 'linux/amd64'), push: 'false' }, env: { MOAM_HANDOFF_DIR: dir } });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs['artifact-name']).toBe('');
    expect(await readdir(dir)).toEqual([]);
    const res = await fetch(`http://${tb.registry}/v2/${other}/manifests/${run.outputs.digest}`, { method: 'HEAD' });
    expect(res.status).toBe(404);
  });

  it('a missing Dockerfile fails naming the input, with nothing pushed', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'moam-handoff-'));
    const run = await runBundledAction('build-by-digest', { inputs: { ...inputsFor(`${tb.registry}/moam-it/never`, 'linux/amd64'), file: 'nope/Dockerfile' }, env: { MOAM_HANDOFF_DIR: dir } });
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toMatch(/Input "file": Dockerfile "nope\/Dockerfile" does not exist/);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('build-by-digest to the TLS + htpasswd registry', () => {
  const repo = `moam-it/${uniqueName('tls')}`;
  const image = `${tb.tlsRegistry}/${repo}`;

  it('fails clearly without credentials and uploads nothing', async () => {
    const dockerConfig = await mkdtemp(path.join(os.tmpdir(), 'moam-docker-'));
    const dir = await mkdtemp(path.join(os.tmpdir(), 'moam-handoff-'));
    const run = await runBundledAction('build-by-digest', { inputs: inputsFor(image, 'linux/amd64'), env: { DOCKER_CONFIG: dockerConfig, MOAM_HANDOFF_DIR: dir } });
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toMatch(/localhost:5443/);
    expect(run.errors.join('\n')).toMatch(/docker login|login-action/);
    // Refused before the build started, not after it.
    expect(run.stdout).not.toContain('::group::Build linux/amd64');
    expect(await readdir(dir)).toEqual([]);
  });

  it('pushes by digest after docker login', async () => {
    const dockerConfig = await mkdtemp(path.join(os.tmpdir(), 'moam-docker-'));
    const env = { ...process.env, DOCKER_CONFIG: dockerConfig };
    const { execFile } = await import('node:child_process');
    await new Promise<void>((resolve, reject) => {
      const child = execFile('docker', ['login', tb.tlsRegistry, '--username', tb.tlsUser, '--password-stdin'], { env }, (err) => (err ? reject(err) : resolve()));
      child.stdin?.end(tb.tlsPassword);
    });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'moam-handoff-'));
    const run = await runBundledAction('build-by-digest', { inputs: inputsFor(image, 'linux/arm64'), env: { DOCKER_CONFIG: dockerConfig, MOAM_HANDOFF_DIR: dir } });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).not.toContain(tb.tlsPassword);
    const digest = run.outputs.digest as string;
    // Read back with curl through the test CA and the credentials: the manifest is there by digest.
    const out = await tool('curl', ['-sS', '--cacert', process.env.MOAM_TLS_CA as string, '-u', `${tb.tlsUser}:${tb.tlsPassword}`, '-H', 'Accept: application/vnd.oci.image.index.v1+json', `https://${tb.tlsRegistry}/v2/${repo}/manifests/${digest}`]);
    expect(JSON.parse(out).manifests).toHaveLength(2);
    const tags = JSON.parse(await tool('curl', ['-sS', '--cacert', process.env.MOAM_TLS_CA as string, '-u', `${tb.tlsUser}:${tb.tlsPassword}`, `https://${tb.tlsRegistry}/v2/${repo}/tags/list`]));
    expect(tags.tags ?? []).toEqual([]);
  });
});
