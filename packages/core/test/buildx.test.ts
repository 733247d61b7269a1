import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type BuilderInfo, capabilitiesOf, parseBuildxInspect, parseBuildxVersion } from '../src/buildx/builder.ts';
import { type BuildRequest, buildArgs, defaultCache, outputArg } from '../src/buildx/build-args.ts';
import { parseBuildMetadata } from '../src/buildx/metadata.ts';
import { parseImageName } from '../src/image.ts';
import { parsePlatform } from '../src/platform.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/buildx/${name}`, import.meta.url), 'utf8');

const docker: BuilderInfo = { name: 'default', driver: 'docker', buildxVersion: '0.13.1', ...capabilitiesOf('docker') };
const container: BuilderInfo = { name: 'builder-1', driver: 'docker-container', buildxVersion: '0.30.1', ...capabilitiesOf('docker-container') };
const remote: BuilderInfo = { name: 'remote-1', driver: 'remote', buildxVersion: '0.30.1', ...capabilitiesOf('remote') };

const base: BuildRequest = {
  images: [parseImageName('ghcr.io/o/app'), parseImageName('docker.io/o/app')],
  platform: parsePlatform('linux/arm64'),
  context: '.',
  file: 'Dockerfile',
  buildArgs: [],
  labels: {},
  annotations: [],
  secrets: [],
  provenance: 'mode=max',
  sbom: true,
  cacheFrom: [],
  cacheTo: [],
  push: true,
  metadataFile: '/tmp/m.json',
  ociLayoutDir: '/tmp/layout',
};

describe('builder detection from captured tool output', () => {
  it('reads buildx version and inspect', () => {
    expect(parseBuildxVersion(fixture('buildx-version.txt'))).toBe('0.13.1+ds1');
    expect(parseBuildxVersion('github.com/docker/buildx v0.30.1 9e66234aa13328a5e75b75aa5574e1ca6d6d9c01')).toBe('0.30.1');
    expect(parseBuildxInspect(fixture('buildx-inspect.txt'))).toEqual({ name: 'default', driver: 'docker' });
  });
  it.each([
    ['docker', false],
    ['docker-container', true],
    ['remote', true],
    ['kubernetes', true],
  ])('%s driver: push-by-digest %s', (driver, can) => {
    expect(capabilitiesOf(driver)).toEqual({ canPushByDigest: can, canExportCache: can });
  });
});

describe('buildArgs', () => {
  it.each<[string, Partial<BuildRequest>, BuilderInfo, string[]]>([
    ['container driver pushes by digest to every name', {}, container, ['--output=type=image,"name=ghcr.io/o/app,docker.io/o/app",push-by-digest=true,name-canonical=true,push=true,oci-mediatypes=true']],
    ['remote driver pushes by digest', {}, remote, ['--output=type=image,"name=ghcr.io/o/app,docker.io/o/app",push-by-digest=true,name-canonical=true,push=true,oci-mediatypes=true']],
    ['docker driver exports an OCI layout', {}, docker, ['--output=type=oci,tar=false,dest=/tmp/layout']],
    ['push false keeps the image in BuildKit', { push: false }, container, ['--output=type=image,"name=ghcr.io/o/app,docker.io/o/app",push-by-digest=true,name-canonical=true,push=false,oci-mediatypes=true']],
    ['provenance max + default SBOM', {}, container, ['--attest=type=provenance,mode=max', '--attest=type=sbom']],
    ['provenance min', { provenance: 'mode=min' }, container, ['--attest=type=provenance,mode=min']],
    ['provenance off, sbom off', { provenance: 'false', sbom: false }, container, ['--provenance=false', '--sbom=false']],
    ['local SBOM generator', { sbomGenerator: 'localhost:5000/moam/sbom-generator:1' }, docker, ['--attest=type=sbom,generator=localhost:5000/moam/sbom-generator:1']],
    ['secrets by env name, never by value', { secrets: [{ id: 'token', env: 'MOAM_BUILD_SECRET_0' }] }, container, ['--secret=id=token,env=MOAM_BUILD_SECRET_0']],
    ['cache to and from on a container builder', { cacheFrom: ['type=gha,scope=a'], cacheTo: ['type=gha,scope=a,mode=max'] }, container, ['--cache-from=type=gha,scope=a', '--cache-to=type=gha,scope=a,mode=max']],
    ['build args, labels, annotations, target', { buildArgs: [['A', '1 2']], labels: { 'org.opencontainers.image.revision': 'abc' }, annotations: ['manifest:k=v'], target: 'runtime' }, container, ['--target=runtime', '--build-arg=A=1 2', '--label=org.opencontainers.image.revision=abc', '--annotation=manifest:k=v']],
  ])('%s', (_name, override, builder, expected) => {
    const args = buildArgs({ ...base, ...override }, builder);
    for (const e of expected) expect(args).toContain(e);
    expect(args.slice(0, 5)).toEqual(['buildx', 'build', `--builder=${builder.name}`, '--platform=linux/arm64', '--file=Dockerfile']);
    expect(args.slice(-2)).toEqual(['--', '.']);
  });

  it('never passes cache-to to the docker driver', () => {
    expect(buildArgs({ ...base, cacheTo: ['type=gha'] }, docker).some((a) => a.startsWith('--cache-to'))).toBe(false);
  });

  it('keeps option-like values inside --flag=value so they cannot become flags', () => {
    const args = buildArgs({ ...base, context: '--push', buildArgs: [['X', '--output=type=local']] }, container);
    expect(args).toContain('--build-arg=X=--output=type=local');
    expect(args.at(-2)).toBe('--');
    expect(args.filter((a) => a === '--push' || a === '--output=type=local')).toEqual(['--push']);
    expect(args.indexOf('--push')).toBe(args.length - 1);
  });

  it('outputArg never tags', () => {
    expect(outputArg(base, container)).not.toMatch(/:[\w.-]+"?,push-by/);
  });
});

describe('defaultCache', () => {
  const images = [parseImageName('ghcr.io/o/app')];
  it('gives per-platform gha scopes on GitHub with a cache-capable builder', () => {
    const amd = defaultCache(images, parsePlatform('linux/amd64'), { onGitHub: true, builder: container });
    const arm = defaultCache(images, parsePlatform('linux/arm64'), { onGitHub: true, builder: container });
    expect(amd.cacheFrom).toEqual(['type=gha,scope=o-app-linux-amd64']);
    expect(arm.cacheTo).toEqual(['type=gha,scope=o-app-linux-arm64,mode=max']);
  });
  it('says once that the docker driver cannot export cache', () => {
    expect(defaultCache(images, parsePlatform('linux/amd64'), { onGitHub: true, builder: docker })).toMatchObject({ cacheFrom: [], cacheTo: [], note: expect.stringMatching(/cannot export cache/) });
  });
  it('uses no cache outside GitHub', () => {
    expect(defaultCache(images, parsePlatform('linux/amd64'), { onGitHub: false, builder: container })).toEqual({ cacheFrom: [], cacheTo: [] });
  });
  // The gha cache is shared by every workflow of the repository: a release must not consume what a PR build wrote.
  it.each<[string, 'auto' | 'true' | 'false', string, boolean]>([
    ['a pull request', 'auto', 'refs/pull/7/merge', true],
    ['a branch', 'auto', 'refs/heads/main', true],
    ['a release tag', 'auto', 'refs/tags/v1.2.3', false],
    ['a release tag with cache: true', 'true', 'refs/tags/v1.2.3', true],
    ['a branch with cache: false', 'false', 'refs/heads/main', false],
  ])('%s (cache: %s) uses the gha cache: %s', (_name, mode, ref, used) => {
    const c = defaultCache(images, parsePlatform('linux/amd64'), { onGitHub: true, builder: container, mode, ref });
    expect(c.cacheFrom.length > 0).toBe(used);
    expect(c.cacheTo.length > 0).toBe(used);
    if (mode === 'auto' && !used) expect(c.note).toMatch(/refs\/tags\/v1\.2\.3 is a release, built without the shared GitHub Actions cache .* set cache: true/);
  });
});

describe('parseBuildMetadata (captured)', () => {
  it('reads the pushed descriptor', () => {
    const m = parseBuildMetadata(fixture('metadata-file.push.json'));
    expect(m.descriptor).toEqual({ digest: 'sha256:4bd11b84b57fdd5832f7edddfa16b5cc6d43809e296ce007c48c78b176feaccb', mediaType: 'application/vnd.oci.image.index.v1+json', size: 1607 });
  });
  it('reads the OCI layout export of the docker driver', () => {
    expect(parseBuildMetadata(fixture('metadata-file.oci.json')).descriptor.digest).toBe('sha256:43436d5a7d925326d4718fe608c9d83cd814ec07068deeaffc33e38c0db3437f');
  });
  it('refuses metadata without an image', () => {
    expect(() => parseBuildMetadata('{"buildx.build.ref":"x"}')).toThrow(/no containerimage digest/);
    expect(() => parseBuildMetadata('{')).toThrow(/not JSON/);
  });
});
