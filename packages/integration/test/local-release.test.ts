import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot, testbed, uniqueName } from '@moam/testkit';

// The README's first command, as written (the test bed is already up, so it is reused).
describe('scripts/local-release.sh', () => {
  it.each([
    ['1.0.0', '--keyless', ['1.0.0', '1.0', '1', 'latest']],
    ['0.0.1-rc1', '', ['0.0.1-rc1']],
  ])('releases %s %s and ends with a verified two-platform image', async (version, flag, tags) => {
    const image = `${testbed().registry}/moam-it/${uniqueName('local-release')}`;
    const { stdout } = await promisify(execFile)('bash', ['scripts/local-release.sh', version, ...(flag ? [flag] : [])], { cwd: repoRoot, env: { ...process.env, MOAM_IMAGE: image }, maxBuffer: 32 * 1024 * 1024 });
    expect(stdout).toContain(`Released ${image}:${tags.join(`, ${image}:`)}`);
    expect(stdout).toMatch(/Index digest sha256:[a-f0-9]{64}/);
    expect(stdout).toContain('Verify passed for the index and 2 platform manifests');
    if (flag) expect(stdout).toContain('Identity');
  });
});
