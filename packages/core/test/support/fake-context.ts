// An ActionContext made of in-memory fakes, for unit tests of each feature's run(): the MemoryRegistry, the memory
// hand-off store, and tool doubles answering like the real tools (captured output shapes): docker/buildx, buildx
// imagetools, cosign, git. Everything a step did is recorded: tool calls, log lines, masked values.
import os from 'node:os';
import type { ActionContext } from '../../src/action/context.ts';
import { runInfoOf } from '../../src/action/context.ts';
import type { Exec } from '../../src/exec.ts';
import { readGitHubContext } from '../../src/github/context.ts';
import { createScratch } from '../../src/scratch.ts';
import type { Cosign } from '../../src/cosign/setup.ts';
import { MemoryRegistry } from './memory-registry.ts';
import { memoryStore } from './memory-store.ts';
import { type FakeSignature, fakeCosign } from './fake-cosign.ts';
import { fakeImagetools } from './fake-imagetools.ts';
import { type FakeBuildxOptions, fakeBuildx } from './fake-buildx.ts';

export const ISSUER = 'https://token.actions.githubusercontent.com';

/** A GitHub Actions OIDC token as the runner hands it out: only the claims matter to the signer (cosign and Fulcio verify it). */
export function fakeIdToken(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iss: ISSUER, aud: 'sigstore', ...claims })}.c2lnbmF0dXJl`;
}

export interface FakeWorld {
  ctx: ActionContext;
  registry: MemoryRegistry;
  store: ReturnType<typeof memoryStore>;
  signatures: Map<string, FakeSignature[]>;
  /** Every tool call: [file, ...args]. */
  calls: string[][];
  logs: string[];
  warnings: string[];
  masked: string[];
  /** Removes the scratch directory (what runAction does when the step ends). */
  dispose(): Promise<void>;
}

export interface FakeWorldOptions {
  env?: Record<string, string>;
  inputs?: Record<string, string>;
  registry?: MemoryRegistry;
  store?: ReturnType<typeof memoryStore>;
  signatures?: Map<string, FakeSignature[]>;
  buildx?: FakeBuildxOptions;
  /** Claims of the OIDC token getIdToken returns; undefined makes the token request fail. */
  idToken?: Record<string, unknown>;
  /** The commit time `git show -s --format=%ct HEAD` prints (Unix seconds). */
  commitTime?: number;
}

export function fakeWorld(opts: FakeWorldOptions = {}): FakeWorld {
  const registry = opts.registry ?? new MemoryRegistry();
  const store = opts.store ?? memoryStore();
  const signatures = opts.signatures ?? new Map<string, FakeSignature[]>();
  const calls: string[][] = [];
  const logs: string[] = [];
  const warnings: string[] = [];
  const masked: string[] = [];
  const env: NodeJS.ProcessEnv = { ...opts.env };
  const inputs = opts.inputs ?? {};
  const cosign = fakeCosign(signatures, [], registry);
  const imagetools = fakeImagetools(registry);
  const buildx = fakeBuildx(registry, opts.buildx);
  const exec: Exec = async (file, args, options) => {
    calls.push([file, ...args]);
    if (file === 'cosign') return cosign(file, args, options);
    if (file === 'git') return { exitCode: 0, stdout: `${opts.commitTime ?? 1767225600}\n`, stderr: '' };
    if (file === 'docker' && args[1] === 'imagetools') return imagetools(file, args, options);
    if (file === 'docker') return buildx(file, args, options);
    throw new Error(`fake world: unexpected tool ${file}`);
  };
  const scratch = createScratch(os.tmpdir());
  const ctx: ActionContext = {
    name: 'unit',
    env,
    read: (name) => (inputs[name] ?? '').trim(),
    workspace: os.tmpdir(),
    tmpDir: os.tmpdir(),
    exec,
    log: { info: (l) => void logs.push(l), warning: (l) => void warnings.push(l), group: (_t, fn) => fn() },
    registry,
    store,
    scratch,
    github: readGitHubContext(env, () => '{}'),
    run: runInfoOf(env),
    clock: () => 0,
    sleep: async () => undefined,
    getIdToken: async (audience) => {
      if (!opts.idToken) throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable');
      return fakeIdToken({ ...opts.idToken, aud: audience });
    },
    setSecret: (value) => void masked.push(value),
    installCosign: async (): Promise<Cosign> => ({ path: 'cosign', version: '2.5.0', install: {} as Cosign['install'] }),
  };
  return { ctx, registry, store, signatures, calls, logs, warnings, masked, dispose: () => scratch.dispose() };
}
