import semver from 'semver';
import { InputError } from '../errors.ts';

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
