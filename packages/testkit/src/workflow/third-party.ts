/**
 * THE table of third-party actions and their local equivalents, one row per `owner/repo` (any ref, any
 * path), each with the reason it is faithful enough. A `uses:` that no row covers fails the load naming the
 * step. Each row lists the `with:` keys it understands; any other key fails too, rather than being ignored.
 */
import { spawn } from 'node:child_process';
import { readdir, readlink, rm, symlink } from 'node:fs/promises';
import path from 'node:path';

export interface RemoteUses {
  owner: string;
  repo: string;
  /** Path inside the repository ("" for the root). */
  path: string;
  ref: string;
}

/** What a row gets to do its work. Throwing fails the step with the error's message. */
export interface MappedStep {
  uses: RemoteUses;
  with: Record<string, string>;
  /** The step's full environment (what a run: step would get), incl. DOCKER_CONFIG of its job. */
  env: Record<string, string>;
  /** The job's GITHUB_WORKSPACE and the checkout the caller supplied. */
  workspace: string;
  checkoutSource: string;
  repository: string;
  sha: string;
  ref: string;
  signal: AbortSignal;
  log(text: string): void;
  /** Like a line in GITHUB_ENV: the variable is set for the job's later steps. */
  setEnv(name: string, value: string): void;
  mask(value: string): void;
  /** Runs a JavaScript action from a directory (action.yml + its main), as for `uses: ./dir`. */
  runAction(dir: string): Promise<{ outputs: Record<string, string> }>;
}

export interface StepMapping {
  /** Why the local equivalent stands for the real action in these runs. */
  reason: string;
  /** The `with:` keys it understands (what each does, or why it is ignored, in `reason`); 'any' accepts all. */
  inputs: readonly string[] | 'any';
  /** The outputs it sets; reading another is an error (strict). 'any' for rows that run a real action. */
  outputs: readonly string[] | 'any';
  run(step: MappedStep): Promise<{ outputs?: Record<string, string> } | void>;
}

/** Rows by lower-case owner/repo. */
export type StepMap = Record<string, StepMapping>;

export function parseRemoteUses(uses: string): RemoteUses | undefined {
  const m = /^([^/@\s]+)\/([^/@\s]+)((?:\/[^@\s]+)?)@(\S+)$/.exec(uses);
  return m ? { owner: m[1] as string, repo: m[2] as string, path: (m[3] ?? '').replace(/^\//, ''), ref: m[4] as string } : undefined;
}

function tool(file: string, args: readonly string[], env: Record<string, string>, signal: AbortSignal, stdin?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, signal, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${file} ${args.join(' ')}: exit ${code}: ${out.trim()}`))));
    child.stdin.end(stdin ?? '');
  });
}

/** actions/checkout: the job's workspace becomes (a link to) the checkout the caller supplied. */
export function checkout(): StepMapping {
  return {
    reason:
      'The repository is already checked out: GITHUB_WORKSPACE (or `path` in it) becomes a link to the checkout the caller supplied. ' +
      'persist-credentials, fetch-depth and clean are ignored (no remote, the checkout is whatever the caller supplied); a `repository` or `ref` other than the run\'s fails.',
    inputs: ['persist-credentials', 'fetch-depth', 'clean', 'path', 'repository', 'ref'],
    outputs: ['ref', 'commit'],
    async run(s) {
      if (s.with.repository && s.with.repository.toLowerCase() !== s.repository.toLowerCase()) throw new Error(`checkout of another repository (${s.with.repository}) is not available offline`);
      if (s.with.ref && ![s.ref, s.sha, s.ref.replace(/^refs\/(tags|heads)\//, '')].includes(s.with.ref)) throw new Error(`checkout of ref ${s.with.ref}: only the run's ref (${s.ref}) is available`);
      const target = path.resolve(s.workspace, s.with.path || '.');
      if (target !== s.workspace && !target.startsWith(`${s.workspace}${path.sep}`)) throw new Error(`path ${s.with.path} is outside GITHUB_WORKSPACE`);
      const existing = await readlink(target).catch(() => undefined);
      if (existing === s.checkoutSource) return { outputs: { ref: s.ref, commit: s.sha } }; // checked out already
      if (target === s.workspace) {
        // The workspace is an empty directory until now: replace it with the link (its path stays the same).
        if ((await readdir(target)).length) throw new Error('GITHUB_WORKSPACE is not empty: an earlier step wrote into it before the checkout');
        await rm(target, { recursive: true });
      }
      await symlink(s.checkoutSource, target, 'dir');
      s.log(`Checked out ${s.repository}@${s.sha} (local: ${s.checkoutSource})\n`);
      return { outputs: { ref: s.ref, commit: s.sha } };
    },
  };
}

/**
 * docker/login-action: `docker login` with the step's registry/username/password (password on stdin) into the
 * job's own DOCKER_CONFIG, so credentials never leak between jobs (GitHub: a fresh runner per job; the
 * action's post step logs out). Registries in `noLogin` (e.g. ghcr.io standing for the test bed's
 * unauthenticated registry) are a no-op.
 */
export function dockerLogin(options: { noLogin?: readonly string[] } = {}): StepMapping {
  const skip = new Set((options.noLogin ?? []).map((r) => r.toLowerCase()));
  return {
    reason: `docker login into the job's DOCKER_CONFIG; no-op for ${skip.size ? [...skip].join(', ') : '(no registry)'}. logout is what discarding the job's DOCKER_CONFIG does.`,
    inputs: ['registry', 'username', 'password', 'logout'],
    outputs: [],
    async run(s) {
      const registry = s.with.registry || 'docker.io';
      if (skip.has(registry.toLowerCase())) {
        s.log(`Login to ${registry} skipped: the caller says it needs none\n`);
        return;
      }
      if (!s.with.username || !s.with.password) throw new Error(`Username and password required (login to ${registry})`);
      s.mask(s.with.password);
      s.log(await tool('docker', ['login', registry, '--username', s.with.username, '--password-stdin'], s.env, s.signal, s.with.password));
    },
  };
}

/** docker/setup-buildx-action: the test bed's builder (the default one, or the named builder the caller gives). */
export function setupBuildx(options: { builder?: string } = {}): StepMapping {
  return {
    reason: `The test bed's buildx builder (${options.builder ?? 'default'}) stands for the one the action would create; its inputs (driver, platforms, ...) describe that builder and are ignored.`,
    inputs: ['driver', 'driver-opts', 'buildkitd-flags', 'buildkitd-config', 'buildkitd-config-inline', 'platforms', 'install', 'use', 'version', 'name', 'endpoint', 'append', 'keep-state', 'cache-binary', 'cleanup'],
    outputs: ['name', 'driver'],
    async run(s) {
      if (options.builder) s.setEnv('BUILDX_BUILDER', options.builder);
      s.log(`Using the test bed's buildx builder ${options.builder ?? '(default)'}\n`);
      return { outputs: { name: options.builder ?? 'default', driver: options.builder ? 'docker-container' : 'docker' } };
    },
  };
}

/** step-security/harden-runner: nothing (it audits the egress of a GitHub-hosted runner; here there is none). */
export const hardenRunner: StepMapping = {
  reason: 'It audits or blocks network egress of a hosted runner; the local machine has no such agent, so it does nothing.',
  inputs: 'any',
  outputs: [],
  async run() {},
};

/**
 * Our own actions referenced by repository (owner/repo/actions/<name>@ref): run from `root` (e.g. the
 * repository at the running commit) — the caller states this by adding the row.
 */
export function ownActions(root: string, reason = `The ref stands for the actions of this checkout (${root}).`): StepMapping {
  return {
    reason,
    inputs: 'any',
    outputs: 'any',
    async run(s) {
      if (!s.uses.path) throw new Error(`uses: ${s.uses.owner}/${s.uses.repo}@${s.uses.ref} has no action path`);
      return s.runAction(path.join(root, s.uses.path));
    },
  };
}

/** The default table (every third-party action our workflows use). */
export function defaultStepMap(): StepMap {
  return {
    'actions/checkout': checkout(),
    'docker/login-action': dockerLogin(),
    'docker/setup-buildx-action': setupBuildx(),
    'step-security/harden-runner': hardenRunner,
  };
}
