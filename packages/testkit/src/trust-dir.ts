// Where a Sigstore stand-in writes the files cosign reads its trust from (roots, log keys). Test support only.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface TrustDir {
  readonly dir: string;
  /** Removes the directory if this created it; a directory the caller named is theirs to keep. */
  dispose(): Promise<void>;
}

/** `given`, or a new temporary directory named after `prefix`. */
export async function trustDir(given: string | undefined, prefix: string): Promise<TrustDir> {
  if (given !== undefined) return { dir: given, dispose: () => Promise.resolve() };
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}
