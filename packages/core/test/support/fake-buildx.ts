// docker/buildx for unit tests of the build leg: `buildx version`, `buildx inspect` and `docker info` answer with the
// captured output in test/fixtures/buildx (the driver line swapped when a test asks for a docker-container builder);
// `buildx build` "builds" what its argv says (platform, annotations, attestations) into the MemoryRegistry the way
// BuildKit pushes by digest (a leg index of the platform manifest and its attestation manifest, no tag) and writes
// the --metadata-file buildx writes.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Exec, ToolError } from '../../src/exec.ts';
import { parseImageName } from '../../src/image.ts';
import { parsePlatform } from '../../src/platform.ts';
import type { Digest } from '../../src/digest.ts';
import { MemoryRegistry, OCI_INDEX } from './memory-registry.ts';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, '../fixtures/buildx', name), 'utf8');
const SLSA = 'https://slsa.dev/provenance/v0.2';
const SPDX = 'https://spdx.dev/Document';

export interface FakeBuildxOptions {
  driver?: 'docker' | 'docker-container';
  /** What a docker-container builder's node reports (the docker driver says v0.0.0+unknown). Default 0.25.1. */
  buildkitVersion?: string;
  /** Makes `buildx build` fail with this last error line, pushing nothing. */
  failWith?: string;
  /** The builder reports a digest but pushes nothing (a registry that dropped the push). */
  dropPush?: boolean;
}

const flag = (args: readonly string[], name: string): string[] => args.filter((a) => a.startsWith(`--${name}=`)).map((a) => a.slice(name.length + 3));

export function fakeBuildx(registry: MemoryRegistry, opts: FakeBuildxOptions = {}): Exec {
  const driver = opts.driver ?? 'docker-container';
  return async (file, args) => {
    const line = args.join(' ');
    if (file !== 'docker') throw new Error(`fake buildx: unexpected ${file}`);
    if (line === 'buildx version') return { exitCode: 0, stdout: fixture('buildx-version.txt'), stderr: '' };
    if (line.startsWith('buildx inspect')) {
      const name = flag(args, 'builder')[0] ?? (driver === 'docker' ? 'default' : 'moam-builder');
      const version = driver === 'docker' ? '0.0.0+unknown' : (opts.buildkitVersion ?? '0.25.1');
      const text = fixture('buildx-inspect.txt').replace(/^Name:(\s+)default$/m, `Name:$1${name}`).replace(/^Driver:(\s+)docker$/m, `Driver:$1${driver}`).replace('BuildKit version: v0.0.0+unknown', `BuildKit version: v${version}`);
      return { exitCode: 0, stdout: text, stderr: '' };
    }
    if (line === 'info --format {{json .}}') return { exitCode: 0, stdout: fixture('docker-info.json'), stderr: '' };
    if (!line.startsWith('buildx build ')) throw new Error(`fake buildx: unexpected docker ${line}`);
    if (opts.failWith) throw new ToolError('docker', args, 1, '', `${opts.failWith}\n`, opts.failWith);

    const output = flag(args, 'output')[0] ?? '';
    const names = /"name=([^"]+)"/.exec(output)?.[1]?.split(',').map((n) => parseImageName(n)) ?? [];
    const push = /(^|,)push=true(,|$)/.test(output);
    const platform = parsePlatform(flag(args, 'platform')[0] ?? '');
    const annotations = Object.fromEntries(flag(args, 'annotation').filter((a) => a.startsWith('manifest:')).map((a) => a.slice('manifest:'.length).split(/=(.*)/s).slice(0, 2)));
    // BuildKit 0.19+ writes the artifact form when asked (from 0.32 unless told otherwise); older ones ignore the option.
    const knowsArtifactForm = driver !== 'docker' && Number((opts.buildkitVersion ?? '0.25.1').split('.')[1]) >= 19;
    const form = knowsArtifactForm && /(^|,)oci-artifact=true(,|$)/.test(output) ? 'artifact' : 'legacy';
    const predicates = [...(args.includes('--provenance=false') ? [] : [SLSA]), ...(args.includes('--sbom=false') ? [] : [SPDX])];
    // Built into the registry when pushed, into a scratch registry otherwise: the digest is the same either way.
    const target = push && !opts.dropPush ? registry : new MemoryRegistry();
    let digest: Digest | undefined;
    let size = 0;
    for (const image of names.length > 0 ? names : [parseImageName('localhost:5000/unpushed')]) {
      const manifest = target.addManifest(image, platform, [], annotations);
      digest = predicates.length > 0 ? target.addIndex(image, [{ digest: manifest, platform, attestation: target.addAttestation(image, predicates, manifest, form) }]) : manifest;
      size = (await target.headManifest(image, digest))?.size ?? 0;
    }
    const mediaType = predicates.length > 0 ? OCI_INDEX : 'application/vnd.oci.image.manifest.v1+json';
    const metadata = {
      'buildx.build.ref': `moam-builder/moam-builder0/${platform.architecture}`,
      'containerimage.descriptor': { mediaType, digest, size },
      'containerimage.digest': digest,
      'image.name': names.map((n) => n.name).join(','),
    };
    await writeFile(flag(args, 'metadata-file')[0] as string, JSON.stringify(metadata, null, 2));
    return { exitCode: 0, stdout: '', stderr: '' };
  };
}
