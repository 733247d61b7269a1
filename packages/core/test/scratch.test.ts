import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createScratch } from '../src/scratch.ts';
import { materialiseKey } from '../src/cosign/setup.ts';

describe('scratch files for keys and tokens', () => {
  it('writes private files and removes all of them on dispose', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'moam-rt-'));
    const scratch = createScratch(tmp);
    const key = await materialiseKey('-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nx\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----', scratch, 'cosign.key');
    const token = await scratch.write('oidc-token', 'eyJ.secret.sig');
    expect(await readFile(token, 'utf8')).toBe('eyJ.secret.sig');
    expect((await readFile(key, 'utf8')).endsWith('-----\n')).toBe(true);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(key)).mode & 0o777).toBe(0o700);
    await scratch.dispose();
    expect(existsSync(key) || existsSync(token)).toBe(false);
    expect(await readdir(tmp)).toEqual([]);
    await scratch.dispose();
  });

  it('creates nothing when nothing is written, and passes a key path through untouched', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'moam-rt-'));
    const scratch = createScratch(tmp);
    expect(await materialiseKey('/keys/cosign.pub', scratch, 'cosign.pub')).toBe('/keys/cosign.pub');
    expect(await readdir(tmp)).toEqual([]);
    await scratch.dispose();
  });

  it('refuses a name that would leave the directory', async () => {
    const scratch = createScratch(os.tmpdir());
    await expect(scratch.write('../x', 'y')).rejects.toThrow(/plain file name/);
    await scratch.dispose();
  });
});
