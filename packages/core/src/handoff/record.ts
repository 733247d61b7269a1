import { type Digest, isDigest } from '../digest.ts';
import { type Platform, formatPlatform, parsePlatform, platformSlug } from '../platform.ts';
import { parseImageName } from '../image.ts';
import { InputError, quote } from '../errors.ts';

export const RECORD_SCHEMA = 'multi-arch-of-madness/digest-record';
export const RECORD_VERSION = 1;

export interface RunInfo {
  repository?: string;
  runId?: string;
  runAttempt?: string;
  job?: string;
  workflowRef?: string;
  sha?: string;
  /** github-hosted or self-hosted (GitHub's RUNNER_ENVIRONMENT) of the build leg. */
  runnerEnvironment?: string;
}

/** What one build leg hands to the merge job. */
export interface DigestRecord {
  schema: typeof RECORD_SCHEMA;
  version: typeof RECORD_VERSION;
  platform: string;
  digest: Digest;
  mediaType: string;
  size: number;
  images: string[];
  run: RunInfo;
}

export function makeRecord(fields: { platform: Platform; digest: Digest; mediaType: string; size: number; images: readonly string[]; run: RunInfo }): DigestRecord {
  return {
    schema: RECORD_SCHEMA,
    version: RECORD_VERSION,
    platform: formatPlatform(fields.platform),
    digest: fields.digest,
    mediaType: fields.mediaType,
    size: fields.size,
    images: [...fields.images],
    run: fields.run,
  };
}

const ARTIFACT_PREFIX = /^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$/;

/** The artifact-prefix input (build and merge must agree on it): letters, digits, . _ - ; default "digests". */
export function parseArtifactPrefix(value: string): string {
  const a = value || 'digests';
  if (!ARTIFACT_PREFIX.test(a)) throw new InputError('artifact-prefix', `"${a}" is not usable in an artifact name`, 'use letters, digits, . _ - (e.g. digests)');
  return a;
}

export function artifactName(prefix: string, platform: Platform): string {
  return `${prefix}-${platformSlug(platform)}`;
}

export function recordFileName(platform: Platform): string {
  return `${platformSlug(platform)}.json`;
}

/** Validates a record read back from an artifact; returns every problem found, naming the source. */
export function validateRecord(text: string, source: string): { record?: DigestRecord; problems: string[] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { problems: [`${source}: not valid JSON (truncated or corrupt record; re-run the build leg that produced it)`] };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { problems: [`${source}: not a JSON object`] };
  const r = data as Record<string, unknown>;
  const problems: string[] = [];
  if (r.schema !== RECORD_SCHEMA) problems.push(`${source}: schema is ${quote(r.schema)}, expected "${RECORD_SCHEMA}"`);
  else if (r.version !== RECORD_VERSION) problems.push(`${source}: record version ${quote(r.version)} is not supported (this merge-manifest reads version ${RECORD_VERSION}); use the same release of build-by-digest and merge-manifest`);
  if (typeof r.digest === 'string' && isDigest(r.digest) && !r.digest.startsWith('sha256:')) {
    problems.push(`${source}: digest ${r.digest.slice(0, 16)}… uses an unsupported digest algorithm (build-by-digest records sha256 digests only)`);
  } else if (typeof r.digest !== 'string' || !isDigest(r.digest)) problems.push(`${source}: digest ${quote(r.digest)} is not sha256:<64 hex>`);
  let platform: string | undefined;
  if (typeof r.platform !== 'string') problems.push(`${source}: platform is missing`);
  else {
    try {
      platform = formatPlatform(parsePlatform(r.platform, 'platform'));
    } catch {
      problems.push(`${source}: platform ${quote(r.platform)} is not a valid platform`);
    }
  }
  if (typeof r.mediaType !== 'string' || r.mediaType === '') problems.push(`${source}: mediaType is missing`);
  if (typeof r.size !== 'number' || !Number.isInteger(r.size) || r.size < 0) problems.push(`${source}: size is not a non-negative integer`);
  if (!Array.isArray(r.images) || r.images.length === 0 || r.images.some((i) => typeof i !== 'string')) problems.push(`${source}: images is not a non-empty list of names`);
  else
    for (const i of r.images as string[]) {
      try {
        parseImageName(i);
      } catch {
        problems.push(`${source}: image name ${quote(i)} is not valid`);
      }
    }
  if (problems.length > 0) return { problems };
  return { record: { ...(r as unknown as DigestRecord), platform: platform as string, run: (r.run ?? {}) as RunInfo }, problems };
}
