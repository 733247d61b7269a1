import { rmSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A private directory for what a tool can only take as a file: a private key, an OIDC token, a public key. Later
 * steps of the same job share RUNNER_TEMP, so everything written here is removed when the step ends, on success and
 * on failure (and, as a last resort, when the process exits).
 */
export interface Scratch {
  /** Writes a file only this user can read (0600, in a 0700 directory) and returns its path. */
  write(name: string, content: string | Buffer): Promise<string>;
  /** Removes the directory and everything in it; safe to call more than once. */
  dispose(): Promise<void>;
}

export function createScratch(tmpDir: string): Scratch {
  let dir: Promise<string> | undefined;
  let created: string | undefined;
  const backstop = () => {
    if (created) rmSync(created, { recursive: true, force: true });
  };
  const ensure = (): Promise<string> =>
    (dir ??= mkdtemp(path.join(tmpDir, 'moam-scratch-')).then(async (d) => {
      await chmod(d, 0o700);
      created = d;
      process.on('exit', backstop);
      return d;
    }));
  return {
    async write(name, content) {
      if (name !== path.basename(name) || name.startsWith('.')) throw new Error(`internal: scratch file name "${name}" must be a plain file name`);
      const file = path.join(await ensure(), name);
      await writeFile(file, content, { mode: 0o600 });
      await chmod(file, 0o600);
      return file;
    },
    async dispose() {
      if (!dir) return;
      const d = await dir.catch(() => undefined);
      dir = undefined;
      created = undefined;
      process.off('exit', backstop);
      if (d) await rm(d, { recursive: true, force: true });
    },
  };
}
