// The first bad inputs to the bundled sign-recursive and verify, which need no sample image: each is refused naming
// the input, with a "Fix:". Skipped while an action's bundle is a "not implemented yet" stub. The full catalogues,
// against a sample: bad-inputs-sign-recursive.test.ts and bad-inputs-verify.test.ts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { githubTagEnv, repoRoot, runBundledAction, testbed } from '@moam/testkit';
import { type Case, FIX, expectRefused } from './support/bad-inputs.ts';

const tb = testbed();

const implemented = (name: string) => {
  try {
    return !readFileSync(path.join(repoRoot, 'actions', name, 'dist', 'index.js'), 'utf8').includes('not implemented yet');
  } catch {
    return false;
  }
};

describe.skipIf(!implemented('sign-recursive'))('bad inputs: sign-recursive', () => {
  const digest = `sha256:${'d'.repeat(64)}`;
  const cases: readonly Case[] = [
    ['images: empty', { images: '', digest }, [/Input "images"/, FIX]],
    ['digest: empty', { images: `${tb.registry}/moam-it/x`, digest: '' }, [/Input "digest"/, FIX]],
    ['digest: a tag instead of a digest', { images: `${tb.registry}/moam-it/x`, digest: 'latest' }, [/Input "digest": "latest"/, /by digest only/i, FIX]],
    ['keyless: true together with key', { images: `${tb.registry}/moam-it/x`, digest, keyless: 'true', key: 'cosign.key' }, [/Input "(key|keyless)"/, /keyless/, FIX]],
  ];
  it.each(cases)('%s', async (_name, inputs, patterns) => {
    expectRefused(await runBundledAction('sign-recursive', { inputs, env: githubTagEnv('v1.2.3') }), patterns);
  });
});

describe.skipIf(!implemented('verify'))('bad inputs: verify', () => {
  const cases: readonly Case[] = [['image: empty', { image: '' }, [/Input "image"/, FIX]]];
  it.each(cases)('%s', async (_name, inputs, patterns) => {
    expectRefused(await runBundledAction('verify', { inputs, env: githubTagEnv('v1.2.3') }), patterns);
  });
});
