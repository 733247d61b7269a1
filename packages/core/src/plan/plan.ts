import { createHash } from 'node:crypto';
import { InputError, Problems, quote } from '../errors.ts';
import { type ImageName, canonicalName, parseImageNames } from '../image.ts';
import { type InputReader, parseBoolean, parseList } from '../inputs.ts';
import { type Platform, formatPlatform, parsePlatform, parsePlatforms } from '../platform.ts';

/**
 * The plan of one release: which platform builds on which runner, under which image names, and the names the legs
 * hand their digests over under. The reusable workflow's prepare job runs this (the plan action) so that the
 * workflow and the actions parse platforms, image names and runners the same way.
 */
export interface ReleasePlan {
  images: ImageName[];
  platforms: Platform[];
  /** The matrix: one leg per platform, on its runner (a label, or labels that must all match). */
  include: Array<{ platform: string; runner: string | string[] }>;
  /** Unique per image set: two calls of the workflow in one run never share an artifact name. */
  artifactPrefix: string;
  /** For the jobs' concurrency groups: releases of one image set queue, never run side by side. */
  concurrencyGroup: string;
}

export interface PlanInputs {
  images: ImageName[];
  platforms: Platform[];
  runners: Map<string, string | string[]>;
  allowSelfHosted: boolean;
}

const RUNNERS_FIX = 'give a JSON object mapping each platform to a runner label or an array of labels, e.g. {"linux/amd64":"ubuntu-latest","linux/arm64":"ubuntu-24.04-arm"}';
const LABEL = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

function parseRunners(value: string): Map<string, string | string[]> {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch (error) {
    throw new InputError('runners', `is not JSON (${error instanceof Error ? error.message : String(error)})`, RUNNERS_FIX);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new InputError('runners', 'is not a JSON object', RUNNERS_FIX);
  const out = new Map<string, string | string[]>();
  for (const [key, runner] of Object.entries(json)) {
    const platform = formatPlatform(parsePlatform(key, 'runners'));
    const labels = typeof runner === 'string' ? [runner] : Array.isArray(runner) ? runner : [];
    if (labels.length === 0 || labels.some((l) => typeof l !== 'string' || !LABEL.test(l.trim()))) {
      throw new InputError('runners', `the runner of ${platform} (${quote(runner)}) is not a label or a list of labels`, RUNNERS_FIX);
    }
    out.set(platform, typeof runner === 'string' ? runner.trim() : labels.map((l) => String(l).trim()));
  }
  return out;
}

export function readPlanInputs(read: InputReader, env: NodeJS.ProcessEnv): PlanInputs {
  const p = new Problems();
  const images = p.collect(() => {
    const given = parseList(read('images'));
    // The default ghcr.io/<owner>/<repo>: GitHub names may have upper case, registry paths may not.
    return parseImageNames(given.length > 0 ? given : env.GITHUB_REPOSITORY ? [`ghcr.io/${env.GITHUB_REPOSITORY.toLowerCase()}`] : [], 'images');
  });
  const platforms = p.collect(() => parsePlatforms(parseList(read('platforms') || 'linux/amd64,linux/arm64')));
  const runners = p.collect(() => parseRunners(read('runners') || '{"linux/amd64":"ubuntu-latest","linux/arm64":"ubuntu-24.04-arm"}'));
  const allowSelfHosted = p.collect(() => parseBoolean(read('allow-self-hosted'), 'allow-self-hosted', false));
  p.throwIfAny('invalid inputs');
  return { images: images!, platforms: platforms!, runners: runners!, allowSelfHosted: allowSelfHosted! };
}

const shortHash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 12);

/** One leg per platform, natively on its runner; refuses a platform without one, and self-hosted runners unless allowed. */
export function planRelease(inputs: PlanInputs): ReleasePlan {
  const p = new Problems();
  const include: ReleasePlan['include'] = [];
  for (const platform of inputs.platforms.map(formatPlatform)) {
    const runner = inputs.runners.get(platform);
    if (runner === undefined) {
      p.add(`Input "runners": has no runner for ${platform}. Fix: add "${platform}":"<runner label>" (GitHub-hosted arm64: ubuntu-24.04-arm); every platform builds natively on its own runner, never under emulation`);
      continue;
    }
    if (Array.isArray(runner) && runner.includes('self-hosted') && !inputs.allowSelfHosted) {
      p.add(`Input "runners": ${platform} runs on a self-hosted runner (${runner.join(', ')}), but the signing certificate would say GitHub-hosted (the sign job runs on ubuntu-latest). Fix: set allow-self-hosted: true to build there on purpose (the images are then marked self-hosted), or use a GitHub-hosted runner`);
      continue;
    }
    include.push({ platform, runner });
  }
  p.throwIfAny('the release cannot be planned');
  const key = inputs.images.map(canonicalName).sort().join(',');
  return { images: inputs.images, platforms: inputs.platforms, include, artifactPrefix: `digests-${shortHash(key)}`, concurrencyGroup: `moam-release-${shortHash(key)}` };
}

export function planOutputs(plan: ReleasePlan): Record<string, string> {
  return {
    include: JSON.stringify(plan.include),
    images: plan.images.map((i) => i.name).join(','),
    image: plan.images[0]?.name ?? '',
    platforms: plan.platforms.map(formatPlatform).join(','),
    'artifact-prefix': plan.artifactPrefix,
    'concurrency-group': plan.concurrencyGroup,
  };
}

export function renderPlanSummary(plan: ReleasePlan): string {
  const rows = plan.include.map((l) => `| \`${l.platform}\` | \`${Array.isArray(l.runner) ? l.runner.join(', ') : l.runner}\` |`);
  return ['### plan', '', `**Images** ${plan.images.map((i) => `\`${i.name}\``).join(', ')} · **Hand-off** \`${plan.artifactPrefix}-<platform>\``, '', '| Platform | Runner |', '| --- | --- |', ...rows, ''].join('\n');
}
