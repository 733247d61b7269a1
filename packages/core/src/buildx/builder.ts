import type { Exec } from '../exec.ts';
import { ToolError } from '../exec.ts';
import { InputError } from '../errors.ts';

export interface BuilderInfo {
  name: string;
  driver: string;
  buildxVersion: string;
  /** BuildKit container/remote/kubernetes builders can push by digest; the docker driver refuses. */
  canPushByDigest: boolean;
  /** The docker driver cannot export build cache. */
  canExportCache: boolean;
  /** The BuildKit version of the builder's first node; absent when it does not say (the docker driver's v0.0.0+unknown). */
  buildkitVersion?: string;
}

export function capabilitiesOf(driver: string): Pick<BuilderInfo, 'canPushByDigest' | 'canExportCache'> {
  const buildkit = driver !== 'docker';
  return { canPushByDigest: buildkit, canExportCache: buildkit };
}

/** `docker buildx version` -> "0.13.1" */
export function parseBuildxVersion(stdout: string): string {
  const m = stdout.match(/\bv?(\d+\.\d+\.\d+(?:[-+][\w.-]+)?)\b/);
  if (!m?.[1]) throw new Error(`cannot read the buildx version from "${stdout.trim()}"`);
  return m[1];
}

/**
 * `docker buildx inspect` prints "Key: value" lines; the builder-level block comes before "Nodes:", then one block
 * per node with its "BuildKit version:". buildx 0.13 has no JSON form of inspect, so this reads those lines only.
 */
export function parseBuildxInspect(stdout: string): { name: string; driver: string; buildkitVersion?: string } {
  const [head = '', nodes = ''] = stdout.split(/^Nodes:/m);
  const field = (key: string) => head.match(new RegExp(`^${key}:\\s*(\\S+)`, 'm'))?.[1];
  const name = field('Name');
  const driver = field('Driver');
  if (!name || !driver) throw new Error('cannot read builder name and driver from `docker buildx inspect`');
  const version = nodes.match(/^BuildKit version:\s*v?(\d+\.\d+\.\d+)\S*/m)?.[1];
  return { name, driver, ...(version && version !== '0.0.0' ? { buildkitVersion: version } : {}) };
}

export async function detectBuilder(exec: Exec, builder: string | undefined, env?: NodeJS.ProcessEnv): Promise<BuilderInfo> {
  const version = parseBuildxVersion((await exec('docker', ['buildx', 'version'], { env })).stdout);
  let inspected: ReturnType<typeof parseBuildxInspect>;
  try {
    inspected = parseBuildxInspect((await exec('docker', ['buildx', 'inspect', ...(builder ? [`--builder=${builder}`] : [])], { env })).stdout);
  } catch (error) {
    if (builder && error instanceof ToolError) {
      throw new InputError('builder', `buildx builder "${builder}" is not available (${error.lastLine})`, 'create it first (docker/setup-buildx-action or `docker buildx create --name ...`), or leave builder empty to use the current one');
    }
    throw error;
  }
  return { ...inspected, buildxVersion: version, ...capabilitiesOf(inspected.driver) };
}
