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

describe('buildArgs: the whole argv', () => {
  const head = (b: BuilderInfo) => ['buildx', 'build', `--builder=${b.name}`, '--platform=linux/arm64', '--file=Dockerfile'];
  const ATTEST = ['--attest=type=provenance,mode=max', '--attest=type=sbom'];
  const pushed = (push: boolean) => `--output=type=image,"name=ghcr.io/o/app,docker.io/o/app",push-by-digest=true,name-canonical=true,push=${push},oci-mediatypes=true`;
  const LAYOUT = '--output=type=oci,tar=false,dest=/tmp/layout';
  const META = '--metadata-file=/tmp/m.json';
  it.each<{ name: string; input: { request: Partial<BuildRequest>; builder: BuilderInfo }; argv: string[] }>([
    { name: 'container driver pushes by digest to every name', input: { request: {}, builder: container }, argv: [...head(container), ...ATTEST, pushed(true), META, '--', '.'] },
    { name: 'remote driver pushes by digest', input: { request: {}, builder: remote }, argv: [...head(remote), ...ATTEST, pushed(true), META, '--', '.'] },
    { name: 'docker driver exports an OCI layout', input: { request: {}, builder: docker }, argv: [...head(docker), ...ATTEST, LAYOUT, META, '--', '.'] },
    { name: 'push false keeps the image in BuildKit', input: { request: { push: false }, builder: container }, argv: [...head(container), ...ATTEST, pushed(false), META, '--', '.'] },
    { name: 'provenance min', input: { request: { provenance: 'mode=min' }, builder: container }, argv: [...head(container), '--attest=type=provenance,mode=min', '--attest=type=sbom', pushed(true), META, '--', '.'] },
    { name: 'provenance true is mode=min', input: { request: { provenance: 'true' }, builder: container }, argv: [...head(container), '--attest=type=provenance,mode=min', '--attest=type=sbom', pushed(true), META, '--', '.'] },
    {
      name: 'provenance with more attestation options',
      input: { request: { provenance: 'mode=max,builder-id=https://ci.example/run/1' }, builder: container },
      argv: [...head(container), '--attest=type=provenance,mode=max,builder-id=https://ci.example/run/1', '--attest=type=sbom', pushed(true), META, '--', '.'],
    },
    { name: 'provenance off, sbom off', input: { request: { provenance: 'false', sbom: false }, builder: container }, argv: [...head(container), '--provenance=false', '--sbom=false', pushed(true), META, '--', '.'] },
    {
      name: 'local SBOM generator',
      input: { request: { sbomGenerator: 'localhost:5000/moam/sbom-generator:1' }, builder: docker },
      argv: [...head(docker), '--attest=type=provenance,mode=max', '--attest=type=sbom,generator=localhost:5000/moam/sbom-generator:1', LAYOUT, META, '--', '.'],
    },
    {
      name: 'secrets by env name, never by value',
      input: { request: { secrets: [{ id: 'token', env: 'MOAM_BUILD_SECRET_0' }] }, builder: container },
      argv: [...head(container), '--secret=id=token,env=MOAM_BUILD_SECRET_0', ...ATTEST, pushed(true), META, '--', '.'],
    },
    {
      name: 'cache to and from on a container builder',
      input: { request: { cacheFrom: ['type=gha,scope=a'], cacheTo: ['type=gha,scope=a,mode=max'] }, builder: container },
      argv: [...head(container), ...ATTEST, '--cache-from=type=gha,scope=a', '--cache-to=type=gha,scope=a,mode=max', pushed(true), META, '--', '.'],
    },
    {
      name: 'never cache-to on the docker driver (it cannot export cache)',
      input: { request: { cacheFrom: ['type=gha,scope=a'], cacheTo: ['type=gha'] }, builder: docker },
      argv: [...head(docker), ...ATTEST, '--cache-from=type=gha,scope=a', LAYOUT, META, '--', '.'],
    },
    {
      name: 'target, build args, labels, annotations, in that order',
      input: { request: { buildArgs: [['A', '1 2']], labels: { 'org.opencontainers.image.revision': 'abc' }, annotations: ['manifest:k=v'], target: 'runtime' }, builder: container },
      argv: [...head(container), '--target=runtime', '--build-arg=A=1 2', '--label=org.opencontainers.image.revision=abc', '--annotation=manifest:k=v', ...ATTEST, pushed(true), META, '--', '.'],
    },
    {
      name: 'option-like values stay inside --flag=value, the context after "--"',
      input: { request: { context: '--push', buildArgs: [['X', '--output=type=local']] }, builder: container },
      argv: [...head(container), '--build-arg=X=--output=type=local', ...ATTEST, pushed(true), META, '--', '--push'],
    },
  ])('$name', ({ input, argv }) => {
    expect(buildArgs({ ...base, ...input.request }, input.builder)).toEqual(argv);
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
