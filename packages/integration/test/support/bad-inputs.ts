// Test support for the catalogues of bad inputs (bad-inputs-*.test.ts): the case type, the "Fix:" every refusal
// carries, the marker files an executed input would create (none may ever exist), registry snapshots, and what a
// refused run must show. Each test file loads its own copy of this module: its own markers and scratch directories.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { type ActionRun, registryTags, testbed } from '@moam/testkit';
import { removeTempDirs, tempDir as scratchDir } from './temp-dirs.ts';

const tb = testbed();
const STORAGE = path.join(process.env.MOAM_TESTBED_STATE ?? '/var/lib/moam-testbed', 'registry/plain/data/docker/registry/v2/repositories');
export const ACCEPT = 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json';
const RUN_ID = randomBytes(4).toString('hex');
export const FIX = /Fix: \S/;

export type Case = readonly [name: string, inputs: Record<string, string>, patterns: readonly RegExp[]];

/** Every marker an injection attempt would create; none may ever exist. */
export const markers: string[] = [];
export const marker = (what: string) => {
  const m = path.join(os.tmpdir(), `moam-pwned-${RUN_ID}-${what}`);
  markers.push(m);
  return m;
};

export const tempDir = (prefix: string) => scratchDir(`bad-${prefix}`);

export function expectNoMarkers(): void {
  for (const m of markers) expect(existsSync(m), `${m} was created: an input was executed`).toBe(false);
}

/** afterAll: no marker was created, then the scratch directories go. */
export async function checkMarkersAndClean(): Promise<void> {
  expectNoMarkers();
  await removeTempDirs();
}

// ------------------------------------------------------------------ registry snapshots

export interface Snapshot {
  tags: string[];
  heads: Record<string, number>;
  stored: string[];
}

/** The manifests the registry's storage links in repo (sorted), pushed by tag or by digest. */
export async function storedManifests(repo: string): Promise<string[]> {
  try {
    return (await readdir(path.join(STORAGE, repo, '_manifests/revisions/sha256'))).sort();
  } catch {
    return [];
  }
}

export async function snapshot(repo: string, digests: readonly string[]): Promise<Snapshot> {
  const heads: Record<string, number> = {};
  for (const d of digests) heads[d] = (await fetch(`http://${tb.registry}/v2/${repo}/manifests/${d}`, { method: 'HEAD', headers: { accept: ACCEPT } })).status;
  return { tags: await registryTags(tb.registry, repo), heads, stored: await storedManifests(repo) };
}

// ------------------------------------------------------------------ what a refused run must show

export const errorText = (run: ActionRun) => run.errors.join('\n');
export const show = (run: ActionRun) => `exit ${run.exitCode}\n${run.stdout.slice(-4000)}\n${run.stderr.slice(-1000)}`;

/** What a failing case must show: the action failed with one error annotation that matches every pattern. */
export function expectRefused(run: ActionRun, patterns: readonly RegExp[]): void {
  expect(run.exitCode, show(run)).toBe(1);
  expect(run.errors.length, show(run)).toBeGreaterThanOrEqual(1);
  for (const p of patterns) expect(errorText(run), show(run)).toMatch(p);
}
