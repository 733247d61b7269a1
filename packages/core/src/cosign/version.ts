import semver from 'semver';
import { InputError } from '../errors.ts';
import { type Exec, ToolError } from '../exec.ts';

export const COSIGN_VERSION_INPUT = 'cosign-version';

/** Oldest and newest (exclusive) major versions whose flag surface the argument builders know. */
export const SUPPORTED_COSIGN_MAJORS = [2, 3] as const;

const VERSION_FIX = 'give a released cosign version such as 3.0.6 or v3.0.6 (see https://github.com/sigstore/cosign/releases)';

/**
 * Validates a cosign-version input ("3.0.2" or "v3.0.2") and returns the bare semver ("3.0.2").
 * Pre-releases (3.0.0-rc.1) are accepted; ranges, "latest" and build metadata are not: the download
 * URL and the checksum lookup need one exact release.
 */
export function parseCosignVersion(value: string, input = COSIGN_VERSION_INPUT): string {
  const raw = value.trim();
  if (raw === '') throw new InputError(input, 'is empty', VERSION_FIX);
  if (!/^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(raw) || semver.valid(raw.replace(/^v/, '')) === null) {
    const why = /^(latest|main|\*|x)$/i.test(raw) || /[~^<>=x*]/i.test(raw) ? `"${raw}" is not an exact version (ranges and "latest" are not pinned)` : `"${raw}" is not a version`;
    throw new InputError(input, why, VERSION_FIX);
  }
  const version = raw.replace(/^v/, '');
  const major = semver.major(version);
  if (major < SUPPORTED_COSIGN_MAJORS[0]) {
    throw new InputError(input, `cosign ${version} is too old: cosign 1.x uses different flags and its keyless signatures do not verify with current Sigstore roots`, 'use cosign 2.x or 3.x');
  }
  return version;
}

/** Throws unless the version is a major the argument builders know (cosign 4 will drop the flags legacy signing needs). */
export function assertSupportedMajor(version: string, input = COSIGN_VERSION_INPUT): number {
  const major = semver.major(version);
  if (major < SUPPORTED_COSIGN_MAJORS[0] || major > SUPPORTED_COSIGN_MAJORS[SUPPORTED_COSIGN_MAJORS.length - 1]!) {
    throw new InputError(
      input,
      `cosign ${version} is not supported by this release (supported: ${SUPPORTED_COSIGN_MAJORS.map((m) => `${m}.x`).join(', ')})`,
      'set cosign-version to a 2.x or 3.x release',
    );
  }
  return major;
}

export interface DetectedCosignVersion {
  /** Bare semver (e.g. "2.5.0"), or undefined when the binary does not say (distribution builds print "devel"). */
  readonly version: string | undefined;
  /** What cosign printed as its GitVersion ("v2.5.0", "devel", "v3.1.3+dirty"). */
  readonly gitVersion: string;
  /** Which output was parsed: `cosign version --json`, or the text of `cosign version` (cosign before 1.6 has no --json). */
  readonly source: 'json' | 'text';
}

/** Parses `cosign version --json` output; returns undefined when it is not that JSON. */
export function parseVersionJson(stdout: string): DetectedCosignVersion | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const gitVersion = (parsed as Record<string, unknown>).gitVersion;
  if (typeof gitVersion !== 'string') return undefined;
  return { version: semverOf(gitVersion), gitVersion, source: 'json' };
}

/** Parses the human output of `cosign version` ("GitVersion:    v2.5.0"); old cosign printed it on stdout or stderr. */
export function parseVersionText(output: string): DetectedCosignVersion | undefined {
  const m = /^\s*GitVersion:\s*(\S+)\s*$/m.exec(output);
  if (!m?.[1]) return undefined;
  return { version: semverOf(m[1]), gitVersion: m[1], source: 'text' };
}

function semverOf(gitVersion: string): string | undefined {
  // "v2.5.0", "2.5.0", "v3.1.3+dirty", "v3.0.0-rc.1"; "devel" and "(devel)" have no version.
  const m = /^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)(?:\+[0-9A-Za-z.-]+)?$/.exec(gitVersion.trim());
  return m?.[1] && semver.valid(m[1]) ? m[1] : undefined;
}

/**
 * Asks a cosign binary which version it is: `cosign version --json` (gitVersion), falling back to the
 * text output of `cosign version` for builds without --json.
 */
export async function detectCosignVersion(exec: Exec, cosignPath: string): Promise<DetectedCosignVersion> {
  let jsonFailure: string;
  try {
    const r = await exec(cosignPath, ['version', '--json']);
    const parsed = parseVersionJson(r.stdout.trim()) ?? parseVersionText(`${r.stdout}\n${r.stderr}`);
    if (parsed) return parsed;
    jsonFailure = 'printed no gitVersion';
  } catch (error) {
    if (error instanceof ToolError && error.exitCode === 127) throw error; // not there at all: nothing to fall back to
    jsonFailure = error instanceof Error ? error.message : String(error);
  }
  const r = await exec(cosignPath, ['version']);
  const parsed = parseVersionText(`${r.stdout}\n${r.stderr}`);
  if (parsed) return parsed;
  throw new Error(`could not tell which cosign ${cosignPath} is: "cosign version --json" ${jsonFailure}, and "cosign version" printed no GitVersion line`);
}
