import { InputError } from './errors.ts';
import type { Exec } from './exec.ts';
import type { GitHubContext } from './github/context.ts';

// Determinism rule for this file: the clock is never read. Every time comes from SOURCE_DATE_EPOCH, the commit or the
// event payload, so two runs over the same commit and event produce byte-identical labels and annotations.

export const OCI = {
  created: 'org.opencontainers.image.created',
  source: 'org.opencontainers.image.source',
  url: 'org.opencontainers.image.url',
  revision: 'org.opencontainers.image.revision',
  version: 'org.opencontainers.image.version',
  title: 'org.opencontainers.image.title',
  description: 'org.opencontainers.image.description',
  licenses: 'org.opencontainers.image.licenses',
} as const;

export interface OciMetadataOptions {
  /** TagPlan.version: the SemVer version (build metadata kept) or sha-<short>. */
  version?: string;
  /** The commit time of HEAD, resolved by the caller (resolveCommitTime). */
  commitTime?: Date;
  /** The SOURCE_DATE_EPOCH environment variable, as given. */
  sourceDateEpoch?: string;
  /** Defaults to the repository name. */
  title?: string;
  /** Defaults to GITHUB_SHA; set it when the build checked out another commit (e.g. a pull request's head). */
  revision?: string;
}

export interface OciMetadata {
  /** RFC 3339, UTC, whole seconds (2024-05-14T10:03:41Z); absent when no source of time is known (see notes). */
  created?: string;
  labels: Record<string, string>;
  /** The same keys as labels, without a level prefix: annotationArgsFor adds manifest:/index:. */
  annotations: Record<string, string>;
  notes: string[];
}

/** 9999-12-31T23:59:59Z: the last second RFC 3339's four-digit year can express. */
const MAX_SECONDS = 253402300799;
/** 0000-01-01T00:00:00Z: the first second it can express. */
const MIN_MS = -62167219200000;
const MAX_MS = MAX_SECONDS * 1000 + 999;

/** Formats a millisecond timestamp as RFC 3339 in UTC without fractional seconds; undefined if out of range. */
export function rfc3339(ms: number): string | undefined {
  if (!Number.isFinite(ms) || ms < MIN_MS || ms > MAX_MS) return undefined;
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Parses SOURCE_DATE_EPOCH (reproducible-builds.org: a non-negative integer of seconds); undefined when unset or empty. */
export function parseSourceDateEpoch(value: string | undefined): string | undefined {
  const v = value?.trim() ?? '';
  if (v === '') return undefined;
  const fix = 'set it to whole seconds since 1970-01-01T00:00:00Z, e.g. the commit time from git log -1 --format=%ct, or unset it';
  if (!/^[0-9]+$/.test(v)) throw new InputError('SOURCE_DATE_EPOCH', `"${value}" is not a whole number of seconds`, fix);
  const seconds = Number(v);
  if (seconds > MAX_SECONDS) throw new InputError('SOURCE_DATE_EPOCH', `"${value}" is after 9999-12-31T23:59:59Z`, fix);
  return rfc3339(seconds * 1000);
}

function timestampMs(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1000; // push payloads: Unix seconds
  if (typeof value === 'string' && value.trim() !== '') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

function resolveCreated(ctx: GitHubContext, opts: OciMetadataOptions, notes: string[]): string | undefined {
  const fromEpoch = parseSourceDateEpoch(opts.sourceDateEpoch);
  if (fromEpoch !== undefined) {
    notes.push(`created ${fromEpoch} comes from SOURCE_DATE_EPOCH.`);
    return fromEpoch;
  }
  if (opts.commitTime !== undefined) {
    const t = rfc3339(opts.commitTime.getTime());
    if (t !== undefined) {
      notes.push(`created ${t} is the commit time of HEAD.`);
      return t;
    }
    notes.push('The commit time given is not a valid date; it is ignored.');
  }
  const candidates: Array<[string, unknown]> = [
    ['head_commit.timestamp', ctx.event?.head_commit?.timestamp],
    ['repository.pushed_at', ctx.event?.repository?.pushed_at],
  ];
  for (const [what, raw] of candidates) {
    if (raw === undefined || raw === null) continue;
    const ms = timestampMs(raw);
    const t = ms === undefined ? undefined : rfc3339(ms);
    if (t !== undefined) {
      notes.push(`created ${t} comes from the event payload's ${what}.`);
      return t;
    }
    notes.push(`The event payload's ${what} (${JSON.stringify(raw)}) is not a valid time; it is ignored.`);
  }
  notes.push(
    `${OCI.created} is omitted: no SOURCE_DATE_EPOCH, no commit time and no time in the event payload (the current time is never used, so that rebuilds stay reproducible).`,
  );
  return undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** OCI image labels and annotations from the GitHub context. Deterministic: the same inputs give the same output. */
export function computeOciMetadata(ctx: GitHubContext, opts: OciMetadataOptions = {}): OciMetadata {
  const notes: string[] = [];
  const created = resolveCreated(ctx, opts, notes);
  const repo = ctx.event?.repository;
  const htmlUrl = text(repo?.html_url)?.replace(/\/+$/, '');
  let source: string | undefined;
  if (ctx.repository !== undefined && ctx.serverUrl !== undefined) source = `${ctx.serverUrl}/${ctx.repository}`;
  else if (htmlUrl !== undefined) source = htmlUrl;
  else if (ctx.repository !== undefined) {
    source = `https://github.com/${ctx.repository}`;
    notes.push(`GITHUB_SERVER_URL is not set; ${OCI.source} assumes https://github.com.`);
  }
  const spdx = text(repo?.license?.spdx_id);

  const entries: Array<[string, string | undefined]> = [
    [OCI.created, created],
    [OCI.source, source],
    [OCI.url, htmlUrl ?? source],
    [OCI.revision, text(opts.revision) ?? ctx.sha],
    [OCI.version, text(opts.version)],
    [OCI.title, text(opts.title) ?? ctx.repo ?? text(repo?.name)],
    [OCI.description, text(repo?.description)],
    [OCI.licenses, spdx !== undefined && spdx !== 'NOASSERTION' ? spdx : undefined],
  ];
  const present = entries.filter((e): e is [string, string] => e[1] !== undefined);
  return {
    ...(created !== undefined ? { created } : {}),
    labels: Object.fromEntries(present),
    annotations: Object.fromEntries(present),
    notes,
  };
}

/** Computed metadata with the user's KEY=VALUE pairs on top: a user-given key overrides the computed one. */
export function mergeUserMetadata(computed: Record<string, string>, user: ReadonlyArray<readonly [string, string]>): Record<string, string> {
  // A Map then Object.fromEntries: a user key such as __proto__ becomes a plain own property.
  const merged = new Map<string, string>(Object.entries(computed));
  for (const [key, value] of user) merged.set(key, value);
  return Object.fromEntries(merged);
}

export type AnnotationLevel = 'manifest' | 'index' | 'manifest-descriptor' | 'index-descriptor';

const LEVEL = '(?:manifest-descriptor|index-descriptor|manifest|index)(?:\\[[^\\]]*\\])?';
const PREFIXED = new RegExp(`^(${LEVEL}(?:,${LEVEL})*):(.+)$`);

function prefixOf(key: string): { levels: Array<{ level: string; platform: boolean }>; key: string } | undefined {
  const m = PREFIXED.exec(key);
  if (!m) return undefined;
  const levels = (m[1] ?? '').split(',').map((l) => ({ level: l.replace(/\[.*$/, ''), platform: l.includes('[') }));
  return { levels, key: m[2] ?? '' };
}

/**
 * `level:key=value` arguments for buildx --annotation / imagetools create --annotation. Keys that already carry a
 * level prefix (manifest:, index:, manifest-descriptor:, index-descriptor:, a comma list, or with [platform]) are
 * kept as they are, once; an unprefixed key is emitted for each requested level unless a prefixed key names the
 * same key for that level (without a platform), which then wins. Pass every level in one call so prefixed keys are
 * not repeated.
 */
export function annotationArgsFor(level: AnnotationLevel | readonly AnnotationLevel[], annotations: Record<string, string>): string[] {
  const levels: readonly AnnotationLevel[] = typeof level === 'string' ? [level] : level;
  const overridden = new Set<string>();
  for (const key of Object.keys(annotations)) {
    const p = prefixOf(key);
    if (p) for (const l of p.levels) if (!l.platform) overridden.add(`${l.level}:${p.key}`);
  }
  const out: string[] = [];
  for (const [key, value] of Object.entries(annotations)) {
    if (key.trim() === '' || key.includes('=')) throw new InputError('annotations', `key "${key}" is empty or contains "="`, 'give one KEY=VALUE per line');
    if (prefixOf(key)) {
      out.push(`${key}=${value}`);
      continue;
    }
    for (const l of levels) if (!overridden.has(`${l}:${key}`)) out.push(`${l}:${key}=${value}`);
  }
  return [...new Set(out)];
}

/** HEAD's committer time via `git -C cwd show -s --format=%ct HEAD`; undefined when git is missing or fails. */
export async function resolveCommitTime(exec: Exec, cwd: string): Promise<Date | undefined> {
  try {
    const { stdout } = await exec('git', ['-C', cwd, 'show', '-s', '--format=%ct', 'HEAD']);
    const v = stdout.trim();
    if (!/^[0-9]+$/.test(v)) return undefined;
    const seconds = Number(v);
    return seconds > MAX_SECONDS ? undefined : new Date(seconds * 1000);
  } catch {
    return undefined;
  }
}
