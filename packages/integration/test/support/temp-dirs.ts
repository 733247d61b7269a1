// Scratch directories for one integration test file, under the system temp directory, removed together when the file
// is done (each test file loads its own copy of this module).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const made: string[] = [];

/** A fresh directory named moam-<prefix>-…, removed by removeTempDirs. */
export async function tempDir(prefix: string): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), `moam-${prefix}-`));
  made.push(d);
  return d;
}

/** Removes every directory tempDir made: `afterAll(removeTempDirs)`, or part of a file's own afterAll. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}
