import { describe, expect, it } from 'vitest';
import { planOutputs, planRelease, readPlanInputs, renderPlanSummary } from '../src/plan/plan.ts';

const plan = (values: Record<string, string>, env: Record<string, string> = { GITHUB_REPOSITORY: 'Octo-Org/App' }) => planRelease(readPlanInputs((k) => values[k] ?? '', env));

describe('plan: the release matrix, parsed like the actions parse', () => {
  it('defaults: ghcr.io/<owner>/<repo> in lower case, amd64 and arm64 on native GitHub-hosted runners', () => {
    const out = planOutputs(plan({}));
    expect(out).toMatchObject({ images: 'ghcr.io/octo-org/app', image: 'ghcr.io/octo-org/app', platforms: 'linux/amd64,linux/arm64' });
    expect(JSON.parse(out.include as string)).toEqual([{ platform: 'linux/amd64', runner: 'ubuntu-latest' }, { platform: 'linux/arm64', runner: 'ubuntu-24.04-arm' }]);
    expect(out['artifact-prefix']).toMatch(/^digests-[0-9a-f]{12}$/);
    expect(out['concurrency-group']).toMatch(/^moam-release-[0-9a-f]{12}$/);
  });

  it('normalises platforms the way the actions do (aarch64, arm64/v8), in the input and in the runners map', () => {
    const p = plan({ platforms: 'linux/aarch64, linux/x86_64', runners: '{"linux/arm64/v8":"arm-runner","linux/amd64":"ubuntu-latest"}' });
    expect(p.include).toEqual([{ platform: 'linux/arm64', runner: 'arm-runner' }, { platform: 'linux/amd64', runner: 'ubuntu-latest' }]);
  });

  it('gives two image sets two hand-off prefixes, and one image set the same one however it is spelled', () => {
    const a = plan({ images: 'ghcr.io/o/api' }).artifactPrefix;
    expect(plan({ images: 'ghcr.io/o/worker' }).artifactPrefix).not.toBe(a);
    expect(plan({ images: 'alpine,ghcr.io/o/x' }).artifactPrefix).toBe(plan({ images: 'ghcr.io/o/x,docker.io/library/alpine' }).artifactPrefix);
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['an image name core refuses (upper case)', { images: 'ghcr.io/O/App' }, /Input "images": .* has upper-case letters/],
    ['a platform without a runner', { platforms: 'linux/amd64,linux/s390x' }, /Input "runners": has no runner for linux\/s390x/],
    ['runners that are not JSON', { runners: '{linux/amd64: x}' }, /Input "runners": is not JSON/],
    ['a runner label with a newline', { runners: '{"linux/amd64":"a\\nb","linux/arm64":"x"}' }, /the runner of linux\/amd64 .* is not a label/],
    ['a self-hosted runner without opting in', { runners: '{"linux/amd64":"ubuntu-latest","linux/arm64":["self-hosted","arm64"]}' }, /linux\/arm64 runs on a self-hosted runner .* set allow-self-hosted: true/],
  ])('refuses %s', (_name, values, why) => {
    expect(() => plan(values)).toThrow(why);
  });

  it('accepts self-hosted runners when asked to, and shows the plan', () => {
    const p = plan({ runners: '{"linux/amd64":"ubuntu-latest","linux/arm64":["self-hosted","arm64"]}', 'allow-self-hosted': 'true' });
    expect(p.include[1]).toEqual({ platform: 'linux/arm64', runner: ['self-hosted', 'arm64'] });
    expect(renderPlanSummary(p)).toContain('| `linux/arm64` | `self-hosted, arm64` |');
  });
});
