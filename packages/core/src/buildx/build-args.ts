import type { ImageName } from '../image.ts';
import { type Platform, formatPlatform } from '../platform.ts';
import type { BuilderInfo } from './builder.ts';

export interface BuildSecret {
  id: string;
  /** Name of the environment variable that carries the value into buildx: values never go on argv. */
  env: string;
}

/**
 * A provenance setting as build-leg/inputs.ts accepts it: false, true (mode=min), or mode=min|max followed by more
 * ,key=value attestation options.
 */
export type Provenance = 'false' | 'true' | `mode=${'min' | 'max'}` | `mode=${'min' | 'max'},${string}`;

/**
 * What `docker buildx build` is asked to do, as the build-by-digest reader checked it: the builder trusts every value
 * (names and platforms are parsed, build-arg names, targets, secret ids and cache specs validated, nothing that starts
 * with "-" where a flag could be read) and never throws.
 */
export interface BuildRequest {
  images: readonly ImageName[];
  platform: Platform;
  context: string;
  file: string;
  buildArgs: ReadonlyArray<readonly [string, string]>;
  target?: string;
  labels: Readonly<Record<string, string>>;
  /** Already level-prefixed (manifest:k=v, index:k=v). */
  annotations: readonly string[];
  secrets: readonly BuildSecret[];
  provenance: Provenance;
  sbom: boolean;
  sbomGenerator?: string;
  cacheFrom: readonly string[];
  cacheTo: readonly string[];
  push: boolean;
  metadataFile: string;
  /** Where the docker driver exports its OCI layout. */
  ociLayoutDir: string;
  /** The exporter's attestation-form option (chooseAttestationForm), when one is set. */
  attestationOption?: 'oci-artifact=true' | 'oci-artifact=false';
}

/** The image output: push-by-digest for BuildKit builders; an OCI layout the core pushes itself for the docker driver. */
export function outputArg(req: BuildRequest, builder: BuilderInfo): string {
  const form = req.attestationOption ? [req.attestationOption] : [];
  if (!builder.canPushByDigest) return [`type=oci`, 'tar=false', `dest=${req.ociLayoutDir}`, ...form].join(',');
  const names = req.images.map((i) => i.name).join(',');
  return [`type=image`, `"name=${names}"`, 'push-by-digest=true', 'name-canonical=true', `push=${req.push}`, 'oci-mediatypes=true', ...form].join(',');
}

export function provenanceArgs(provenance: Provenance): string[] {
  if (provenance === 'false') return ['--provenance=false'];
  if (provenance === 'true') return ['--attest=type=provenance,mode=min'];
  return [`--attest=type=provenance,${provenance}`];
}

export function sbomArgs(sbom: boolean, generator?: string): string[] {
  if (!sbom) return ['--sbom=false'];
  return [generator ? `--attest=type=sbom,generator=${generator}` : '--attest=type=sbom'];
}

/** `docker buildx build` argv. Every value goes in --flag=value form so no input can become a flag. */
export function buildArgs(req: BuildRequest, builder: BuilderInfo): string[] {
  const args = ['buildx', 'build', `--builder=${builder.name}`, `--platform=${formatPlatform(req.platform)}`, `--file=${req.file}`];
  if (req.target) args.push(`--target=${req.target}`);
  for (const [k, v] of req.buildArgs) args.push(`--build-arg=${k}=${v}`);
  for (const [k, v] of Object.entries(req.labels)) args.push(`--label=${k}=${v}`);
  for (const a of req.annotations) args.push(`--annotation=${a}`);
  for (const s of req.secrets) args.push(`--secret=id=${s.id},env=${s.env}`);
  args.push(...provenanceArgs(req.provenance), ...sbomArgs(req.sbom, req.sbomGenerator));
  for (const c of req.cacheFrom) args.push(`--cache-from=${c}`);
  if (builder.canExportCache) for (const c of req.cacheTo) args.push(`--cache-to=${c}`);
  args.push(`--output=${outputArg(req, builder)}`, `--metadata-file=${req.metadataFile}`, '--', req.context);
  return args;
}

/** Per-image, per-platform gha cache scope so amd64 and arm64 legs never evict each other. */
export function defaultCacheScope(image: ImageName, platform: Platform): string {
  return `${image.repository.replace(/[^a-z0-9]+/g, '-')}-${formatPlatform(platform).replace(/\//g, '-')}`;
}

/** The cache input: auto (the gha cache, except for release builds), true (always), false (never). */
export type CacheMode = 'auto' | 'true' | 'false';

/**
 * The default build cache. The GitHub Actions cache is shared by every workflow of a repository, so a release built
 * from it could take layers a pull-request build wrote: a tag build does not use it unless `cache: true` says so.
 */
export function defaultCache(
  images: readonly ImageName[],
  platform: Platform,
  opts: { onGitHub: boolean; builder: BuilderInfo; mode?: CacheMode; ref?: string },
): { cacheFrom: string[]; cacheTo: string[]; note?: string } {
  if (!opts.onGitHub || opts.mode === 'false') return { cacheFrom: [], cacheTo: [] };
  if ((opts.mode ?? 'auto') === 'auto' && opts.ref?.startsWith('refs/tags/')) {
    return { cacheFrom: [], cacheTo: [], note: `Build cache: ${opts.ref} is a release, built without the shared GitHub Actions cache (any workflow of the repository can write to it); set cache: true to use it anyway.` };
  }
  if (!opts.builder.canExportCache) {
    return { cacheFrom: [], cacheTo: [], note: `Build cache: the "${opts.builder.driver}" driver of builder "${opts.builder.name}" cannot export cache; building without the default gha cache (use docker/setup-buildx-action for a docker-container builder to enable it).` };
  }
  const first = images[0];
  if (!first) return { cacheFrom: [], cacheTo: [] };
  const scope = defaultCacheScope(first, platform);
  return { cacheFrom: [`type=gha,scope=${scope}`], cacheTo: [`type=gha,scope=${scope},mode=max`] };
}
