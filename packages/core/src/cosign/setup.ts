import type { InputReader } from '../inputs.ts';
import type { Scratch } from '../scratch.ts';
import { InputError } from '../errors.ts';
import { DEFAULT_COSIGN_VERSION } from './checksums.ts';
import { type InstallDeps, type InstalledCosign, COSIGN_RELEASES_URL, installCosign, parseCosignSha256 } from './install.ts';
import { parseCosignVersion } from './version.ts';

export interface CosignInstallInputs {
  version?: string;
  sha256?: string;
  baseUrl: string;
}

export function readCosignInstallInputs(read: InputReader): CosignInstallInputs {
  const baseUrl = read('cosign-base-url') || COSIGN_RELEASES_URL;
  if (!/^https?:\/\/[^\s]+$/.test(baseUrl)) throw new InputError('cosign-base-url', `"${baseUrl}" is not an http(s) URL`, `use ${COSIGN_RELEASES_URL} or your mirror's URL`);
  // Checked here, with the other inputs, so a typo is reported before anything is downloaded.
  const version = read('cosign-version') ? parseCosignVersion(read('cosign-version')) : undefined;
  const sha256 = read('cosign-sha256') ? parseCosignSha256(read('cosign-sha256')) : undefined;
  return { baseUrl, ...(version ? { version } : {}), ...(sha256 ? { sha256 } : {}) };
}

export interface Cosign {
  path: string;
  /** The version we installed (authoritative: distribution builds may report "devel"). */
  version: string;
  install: InstalledCosign;
}

/** The cosign version these inputs install. */
export function cosignVersionOf(inputs: CosignInstallInputs): string {
  return inputs.version ?? DEFAULT_COSIGN_VERSION;
}

export async function setupCosign(inputs: CosignInstallInputs, deps: { install: InstallDeps; log: (l: string) => void }): Promise<Cosign> {
  // No `cosign version` call: the version installed is the one asked for (checked by SHA-256), and distribution
  // builds report "devel" anyway; the first real cosign call shows whether the binary runs.
  const install = await installCosign({ ...inputs, deps: deps.install });
  deps.log(`cosign ${install.version} (${install.cacheHit ? 'tool cache' : 'downloaded'}, verified by ${install.verifiedBy})`);
  return { path: install.path, version: install.version, install };
}

/** PEM content ("-----BEGIN …") rather than a path, env://VAR or KMS URI. */
export function isPem(key: string): boolean {
  return key.includes('-----BEGIN');
}

/** A key given as PEM content goes to a 0600 scratch file (removed when the step ends); a path, env:// or KMS URI is passed as is. */
export async function materialiseKey(key: string, scratch: Scratch, name: string): Promise<string> {
  if (!isPem(key)) return key;
  return scratch.write(name, key.endsWith('\n') ? key : `${key}\n`);
}
