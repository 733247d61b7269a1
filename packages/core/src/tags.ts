import semver from 'semver';
import { InputError } from './errors.ts';
import { isValidTag } from './image.ts';

/** The `latest` input: `auto` gives stable releases `latest`; `true`/`false` override that for stable releases only. */
export type LatestMode = 'auto' | 'true' | 'false';

export type TagKind = 'stable' | 'prerelease' | 'branch' | 'pull_request' | 'other';

export interface TagInput {
  /** GITHUB_REF, e.g. refs/tags/v1.2.3, refs/heads/main, refs/pull/42/merge. */
  ref: string;
  /** GITHUB_SHA: 40 hex characters. */
  sha: string;
  /** GITHUB_EVENT_NAME. */
  eventName: string;
  /** repository.default_branch from the event payload; the only branch that gets `edge`. */
  defaultBranch?: string;
  /** The explicit `version` input; overrides the ref. */
  version?: string;
  /** Release tags carry the version after this prefix (api/v1.2.3 with api/): monorepos, or a repository whose own tags mean something else. */
  tagPrefix?: string;
  latest: LatestMode;
  /** The `tags` input: appended after the computed tags. */
  extraTags: readonly string[];
}

export interface TagPlan {
  /**
   * What this build is: the SemVer version without a leading v, build metadata kept (1.2.3+build.5) — suitable for
   * the org.opencontainers.image.version label — or sha-<short> when the build is not a release.
   */
  version: string;
  kind: TagKind;
  /** Ordered (version, major.minor, major, latest, extras) and deduplicated; every entry is a valid registry tag. */
  tags: string[];
  /** A release's own tag (1.2.3, 1.2.3-rc.1): an immutable release, never silently moved to another index. */
  versionTag?: string;
  /** Tags that follow the newest release (major.minor, major, latest): they only ever move forward. */
  floating: string[];
  /** Log lines explaining non-obvious decisions (build-metadata mapping, ignored settings). */
  notes: string[];
}

const ACCEPTED = 'v1.2.3, 1.2.3, 1.2.3-rc.1 or 1.2.3+build.5';
const TAG_RULE = 'tags are up to 128 characters of [A-Za-z0-9_.-], not starting with . or -';

export function parseLatest(value: string, input = 'latest'): LatestMode {
  const v = value.trim().toLowerCase();
  if (v === '') return 'auto';
  if (v === 'auto' || v === 'true' || v === 'false') return v;
  throw new InputError(input, `"${value}" is not auto, true or false`, 'use auto (stable releases get latest), true or false');
}

interface Release {
  /** 1.2.3-rc.1+build.5: no leading v, build metadata kept. */
  version: string;
  major: number;
  minor: number;
  prerelease: boolean;
  hasBuild: boolean;
}

/**
 * Strict SemVer 2.0.0 with at most one leading v/V. semver's own parser also trims whitespace and accepts one `v`,
 * so "vv1.2.3" or " 1.2.3" would slip through if we only stripped and called it: the string must start with a digit.
 */
export function parseRelease(value: string): Release | undefined {
  const bare = /^[vV]/.test(value) ? value.slice(1) : value;
  if (!/^[0-9]/.test(bare) || /\s/.test(bare)) return undefined;
  const parsed = semver.parse(bare, { loose: false });
  if (parsed === null) return undefined;
  return {
    version: parsed.build.length > 0 ? `${parsed.version}+${parsed.build.join('.')}` : parsed.version,
    major: parsed.major,
    minor: parsed.minor,
    prerelease: parsed.prerelease.length > 0,
    hasBuild: parsed.build.length > 0,
  };
}

function releaseFrom(input: TagInput, notes: string[]): Release | undefined {
  const explicit = input.version?.trim() ?? '';
  const fullTag = input.ref.startsWith('refs/tags/') ? input.ref.slice('refs/tags/'.length) : undefined;
  const prefix = input.tagPrefix ?? '';
  if (fullTag !== undefined && prefix && !fullTag.startsWith(prefix) && !input.version?.trim()) {
    throw new InputError('tag-prefix', `the pushed tag "${fullTag}" does not start with "${prefix}"`, `push a tag like ${prefix}v1.2.3, or fix tag-prefix (or the workflow's tag filter, so that other tags do not start a release)`);
  }
  const tagName = fullTag?.startsWith(prefix) ? fullTag.slice(prefix.length) : fullTag;
  if (explicit !== '') {
    const release = parseRelease(explicit);
    if (!release) {
      throw new InputError('version', `"${explicit}" is not a SemVer version`, `give one of the accepted forms ${ACCEPTED}, or leave it empty to use the pushed tag`);
    }
    if (tagName !== undefined && parseRelease(tagName)?.version !== release.version) {
      notes.push(`The version input "${explicit}" overrides the pushed tag "${tagName}".`);
    }
    return release;
  }
  if (tagName === undefined) return undefined;
  const release = parseRelease(tagName);
  if (!release) {
    throw new InputError(
      'GITHUB_REF',
      `the pushed tag "${tagName}" is not a SemVer version`,
      `push a tag in one of the accepted forms ${ACCEPTED}, or set the version input (e.g. version: 1.2.3) to release this tag as that version`,
    );
  }
  return release;
}

function shortSha(sha: string): string {
  const s = sha.trim();
  if (!/^[0-9a-fA-F]{40}$/.test(s)) {
    throw new InputError('GITHUB_SHA', `"${sha}" is not a 40-character hexadecimal commit SHA`, 'run inside GitHub Actions, or set GITHUB_SHA to the full commit SHA (git rev-parse HEAD)');
  }
  return `sha-${s.slice(0, 7).toLowerCase()}`;
}

function kindOf(ref: string, eventName: string): TagKind {
  if (ref.startsWith('refs/pull/') || eventName === 'pull_request' || eventName === 'pull_request_target') return 'pull_request';
  if (ref.startsWith('refs/heads/')) return 'branch';
  return 'other';
}

/** The tags a build gets. Pure: everything it needs is in `input`. */
export function computeTags(input: TagInput): TagPlan {
  const notes: string[] = [];
  const release = releaseFrom(input, notes);
  const computed: string[] = [];
  const floating: string[] = [];
  let versionTag: string | undefined;
  let version: string;
  let kind: TagKind;
  // Tags the extras may not add: a prerelease never gets latest/major.minor/major, a non-release never gets latest.
  const reserved = new Map<string, string>();

  if (release) {
    version = release.version;
    kind = release.prerelease ? 'prerelease' : 'stable';
    // Registry tags cannot contain '+': SemVer build metadata becomes '-' (1.2.3+build.5 -> 1.2.3-build.5), the
    // usual registry convention. That tag could also name the prerelease 1.2.3-build.5; the note makes the mapping visible.
    versionTag = version.replace(/\+/g, '-');
    if (!isValidTag(versionTag)) {
      throw new InputError(input.version?.trim() ? 'version' : 'GITHUB_REF', `"${version}" gives the tag "${versionTag}", which is not a valid registry tag`, `use a shorter version; ${TAG_RULE}`);
    }
    if (release.hasBuild) {
      notes.push(`SemVer build metadata is not allowed in registry tags: version ${version} is tagged ${versionTag} ('+' mapped to '-').`);
    }
    computed.push(versionTag);
    const majorMinor = `${release.major}.${release.minor}`;
    const major = `${release.major}`;
    if (release.prerelease) {
      reserved.set('latest', `${version} is a prerelease; prereleases never get "latest"`);
      reserved.set(majorMinor, `${version} is a prerelease; prereleases never get the "${majorMinor}" tag`);
      if (release.major > 0) reserved.set(major, `${version} is a prerelease; prereleases never get the "${major}" tag`);
      if (input.latest === 'true') notes.push(`latest: true is ignored: ${version} is a prerelease and never gets "latest".`);
    } else {
      // A stable version with build metadata is still a stable release (build metadata does not change SemVer
      // precedence, spec item 10), so it moves major.minor, major and latest like any other stable release.
      floating.push(majorMinor);
      // 0.y.z: anything may change at any time (spec item 4), so a bare "0" tag would promise nothing.
      if (release.major > 0) floating.push(major);
      if (input.latest !== 'false') floating.push('latest');
      else notes.push(`latest: false: ${version} does not get "latest".`);
      computed.push(...floating);
    }
  } else {
    const sha = shortSha(input.sha);
    version = sha;
    kind = kindOf(input.ref, input.eventName);
    computed.push(sha);
    const branch = input.ref.startsWith('refs/heads/') ? input.ref.slice('refs/heads/'.length) : undefined;
    if (branch !== undefined && input.defaultBranch !== undefined && branch === input.defaultBranch && kind === 'branch') computed.push('edge');
    reserved.set('latest', `this build of ${input.ref || 'an unknown ref'} is not a release; only a pushed SemVer tag (or the version input) gets "latest"`);
    if (input.latest === 'true') notes.push(`latest: true is ignored: ${input.ref || 'this ref'} is not a release (push a tag like v1.2.3 or set the version input).`);
  }

  const tags = [...new Set(computed)];
  for (const raw of input.extraTags) {
    const tag = raw.trim();
    if (tag === '') continue;
    if (!isValidTag(tag)) throw new InputError('tags', `"${tag}" is not a valid registry tag`, TAG_RULE);
    const why = reserved.get(tag);
    if (why !== undefined) throw new InputError('tags', `lists "${tag}" but ${why}`, `remove "${tag}" from tags`);
    if (!tags.includes(tag)) tags.push(tag);
  }
  return { version, kind, tags, ...(versionTag !== undefined ? { versionTag } : {}), floating: floating.filter((t) => t !== versionTag), notes };
}
