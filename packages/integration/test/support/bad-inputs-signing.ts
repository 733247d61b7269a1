// Test support for the bad inputs to sign-recursive and verify that run against a signed-able sample
// (bad-inputs-sign-recursive.test.ts, bad-inputs-verify.test.ts): the sample (support/signing-sample.ts, built once per
// file), the registry snapshot every case must leave unchanged (the repository's tag list, no .sig tag for any of the
// sample's digests, the manifests the repository links), and a refusal that also signed nothing and ran no input.
import { expect } from 'vitest';
import { type ActionRun, registryTags, testbed, uniqueName } from '@moam/testkit';
import { ACCEPT, expectNoMarkers, expectRefused as expectRefusedRun, storedManifests, tempDir } from './bad-inputs.ts';
import { children, index, startSigningSample, stopSigningSample } from './signing-sample.ts';
import { removeTempDirs } from './temp-dirs.ts';

const tb = testbed();
export const repo = `moam-it/${uniqueName('bad-sv')}`;
export const image = `${tb.registry}/${repo}`;

/** beforeAll: the stand-ins, a key pair and the sample in repo. */
export async function startBadSigning(): Promise<void> {
  await startSigningSample(repo, await tempDir('sv-home'));
}

/** afterAll: no marker was created; the stand-ins stop and the scratch directories go. */
export async function stopBadSigning(): Promise<void> {
  expectNoMarkers();
  await stopSigningSample();
  await removeTempDirs();
}

export const sha = (n: number, c = 'a') => `sha256:${c.repeat(n)}`;

export interface Snapshot {
  tags: string[];
  sigHeads: Record<string, number>;
  stored: string[];
}

export async function snapshot(r = repo): Promise<Snapshot> {
  const sigHeads: Record<string, number> = {};
  for (const d of [index, ...children]) {
    sigHeads[d] = (await fetch(`http://${tb.registry}/v2/${r}/manifests/${d.replace(':', '-')}.sig`, { method: 'HEAD', headers: { accept: ACCEPT } })).status;
  }
  return { tags: await registryTags(tb.registry, r), sigHeads, stored: await storedManifests(r) };
}

/** A refusal (support/bad-inputs.ts) that signed nothing and created no marker. */
export function expectRefused(run: ActionRun, patterns: readonly RegExp[]): void {
  expectRefusedRun(run, patterns);
  expect(run.outputs.signed ?? '', 'no signed output').toBe('');
  expectNoMarkers();
}
