import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot, testbed, uniqueName } from '@moam/testkit';

// The README's first command, as written (the test bed is already up, so it is reused): release.yml run by the
// workflow executor, keyless with the transparency log on.
describe('scripts/local-release.sh', () => {
  it.each([
    ['1.0.0', ['1.0.0', '1.0', '1', 'latest']],
    ['0.0.1-rc1', ['0.0.1-rc1']],
  ])('releases %s through release.yml and ends verified', async (version, tags) => {
    const image = `${testbed().registry}/moam-it/${uniqueName('local-release')}`;
    const { stdout } = await promisify(execFile)('bash', ['scripts/local-release.sh', version], { cwd: repoRoot, env: { ...process.env, MOAM_IMAGE: image }, maxBuffer: 64 * 1024 * 1024 });
    expect(stdout).toContain(`Released ${image}:${tags.join(`, ${image}:`)}`);
    expect(stdout).toMatch(/Index digest sha256:[a-f0-9]{64}/);
    expect(stdout).toMatch(/Signed by https:\/\/github\.com\/moam-project\/multi-arch-of-madness\/\.github\/workflows\/multi-arch\.yml@refs\/tags\/sample-app\/v\S+ \(5 transparency log entries\)/);
    expect(stdout).toContain("Verified by the workflow's own verify job, the log entry included");
    expect(stdout).toMatch(/== release\/verify: success[\s\S]*verify: verified/);
  });
});
