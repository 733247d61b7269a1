import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What scripts/testbed.sh exports; tests read it from the environment the test command sourced. */
export interface Testbed {
  registry: string;
  tlsRegistry: string;
  tlsUser: string;
  tlsPassword: string;
  sbomGenerator: string;
  busyboxImage: string;
  cosign: string;
  sampleApp: string;
}

export function testbed(): Testbed {
  const need = (k: string) => {
    const v = process.env[k];
    if (!v) throw new Error(`${k} is not set: run the tests through scripts/test.sh, or source <(bash scripts/testbed.sh env) first`);
    return v;
  };
  return {
    registry: need('MOAM_REGISTRY'),
    tlsRegistry: need('MOAM_TLS_REGISTRY'),
    tlsUser: need('MOAM_TLS_USER'),
    tlsPassword: need('MOAM_TLS_PASSWORD'),
    sbomGenerator: need('MOAM_SBOM_GENERATOR'),
    busyboxImage: need('MOAM_BUSYBOX_IMAGE'),
    cosign: need('MOAM_COSIGN'),
    sampleApp: need('MOAM_SAMPLE_APP'),
  };
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export async function tool(file: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await run(file, args, { env: env ?? process.env, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

export async function imagetoolsRaw(ref: string): Promise<{ mediaType: string; manifests: Array<{ digest: string; mediaType: string; platform?: { os: string; architecture: string; variant?: string }; annotations?: Record<string, string> }>; annotations?: Record<string, string> }> {
  return JSON.parse(await tool('docker', ['buildx', 'imagetools', 'inspect', '--raw', ref]));
}

/** Tags of a repository on a plain-HTTP loopback registry, straight from the distribution API. */
export async function registryTags(registry: string, repository: string): Promise<string[]> {
  const res = await fetch(`http://${registry}/v2/${repository}/tags/list`);
  if (res.status === 404) return [];
  const body = (await res.json()) as { tags?: string[] | null };
  return (body.tags ?? []).sort();
}

export async function withRetries<T>(attempts: number, fn: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (error) {
      if (i >= attempts) throw error;
      await new Promise((r) => setTimeout(r, 500 * i));
    }
  }
}
