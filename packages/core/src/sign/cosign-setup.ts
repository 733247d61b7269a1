import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Exec } from '../exec.ts';
import type { InputReader } from '../inputs.ts';
import { InputError } from '../errors.ts';
import { type InstallDeps, type InstalledCosign, COSIGN_RELEASES_URL, installCosign } from '../cosign/install.ts';
import { detectCosignVersion } from '../cosign/version.ts';

export interface CosignInstallInputs {
  version?: string;
  sha256?: string;
  baseUrl: string;
}

export function readCosignInstallInputs(read: InputReader): CosignInstallInputs {
  const baseUrl = read('cosign-base-url') || COSIGN_RELEASES_URL;
  if (!/^https?:\/\/[^\s]+$/.test(baseUrl)) throw new InputError('cosign-base-url', `"${baseUrl}" is not an http(s) URL`, `use ${COSIGN_RELEASES_URL} or your mirror's URL`);
  const version = read('cosign-version');
  const sha256 = read('cosign-sha256');
  return { baseUrl, ...(version ? { version } : {}), ...(sha256 ? { sha256 } : {}) };
}

export interface Cosign {
  path: string;
  /** The version we installed (authoritative: distribution builds may report "devel"). */
  version: string;
  install: InstalledCosign;
}

export async function setupCosign(inputs: CosignInstallInputs, deps: { exec: Exec; install: InstallDeps; log: (l: string) => void }): Promise<Cosign> {
  const install = await installCosign({ ...inputs, deps: deps.install });
  const detected = await detectCosignVersion(deps.exec, install.path).catch(() => undefined);
  const reported = detected?.version;
  deps.log(`cosign ${install.version} (${install.cacheHit ? 'tool cache' : 'downloaded'}, verified by ${install.verifiedBy}${reported && reported !== install.version ? `, reports ${reported}` : ''})`);
  return { path: install.path, version: install.version, install };
}

/** A key given as PEM content goes to a 0600 file; a path, env:// or KMS URI is passed as is. */
export async function materialiseKey(key: string, tmpDir: string, name: string): Promise<string> {
  if (!key.includes('-----BEGIN')) return key;
  const dir = await mkdtemp(path.join(tmpDir, 'moam-key-'));
  const file = path.join(dir, name);
  await writeFile(file, key.endsWith('\n') ? key : `${key}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}
