import os from 'node:os';
import * as core from '@actions/core';
import { boundLines, errorMessage } from '../errors.ts';
import { type Exec, createExec } from '../exec.ts';
import { envInputs } from '../inputs.ts';
import type { Logger, Registry } from '../ports.ts';
import { createScratch } from '../scratch.ts';
import type { HandoffStore } from '../handoff/store.ts';
import { type GitHubContext, readGitHubContext } from '../github/context.ts';
import type { Cosign, CosignInstallInputs } from '../cosign/setup.ts';
import { type ActionContext, runInfoOf } from './context.ts';

/**
 * The costly services an action uses, named by its main: a bundle includes (and a step loads) only those, so the
 * plan step never loads an HTTP stack and sign never carries the artifact client.
 */
export interface ActionServices {
  registry?: (deps: { env: NodeJS.ProcessEnv; exec: Exec; log: (line: string) => void }) => Registry & { close(): void };
  store?: (env: NodeJS.ProcessEnv) => HandoffStore;
  cosign?: (inputs: CosignInstallInputs, log: (line: string) => void) => Promise<Cosign>;
}

const notGiven = (name: string, service: string): never => {
  throw new Error(`internal error: the ${name} action uses ${service} but its main does not name it in runAction's services`);
};

/** The runner's log: groups, warnings as annotations. */
export const actionLogger: Logger = {
  info: (line) => core.info(line),
  warning: (line) => core.warning(line),
  group: (title, fn) => core.group(title, fn),
};

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The context of a step on a runner: process.env, @actions/core, and what is costly created on first use. */
function runnerContext(name: string, env: NodeJS.ProcessEnv, services: ActionServices): { ctx: ActionContext; close(): Promise<void> } {
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const tmpDir = env.RUNNER_TEMP || os.tmpdir();
  const exec = createExec({ log: core.info });
  const scratch = createScratch(tmpDir);
  let registry: (Registry & { close(): void }) | undefined;
  let store: HandoffStore | undefined;
  let github: GitHubContext | undefined;
  const ctx: ActionContext = {
    name,
    env,
    read: envInputs(env),
    workspace,
    tmpDir,
    exec,
    log: actionLogger,
    get registry(): Registry {
      return (registry ??= (services.registry ?? notGiven(name, 'a registry'))({ env, exec, log: core.info }));
    },
    get store() {
      return (store ??= (services.store ?? notGiven(name, 'the digest hand-off'))(env));
    },
    get github() {
      return (github ??= readGitHubContext(env));
    },
    scratch,
    run: runInfoOf(env),
    clock: Date.now,
    sleep,
    getIdToken: (audience) => core.getIDToken(audience),
    setSecret: (value) => core.setSecret(value),
    installCosign: (inputs) => (services.cosign ?? notGiven(name, 'cosign'))(inputs, core.info),
  };
  return {
    ctx,
    async close() {
      registry?.close();
      await scratch.dispose();
    },
  };
}

/**
 * Runs an action body with the step's context; any error fails the step with its message (which names the input
 * and the fix). The registry is closed and scratch files removed whatever the outcome.
 */
export async function runAction(name: string, services: ActionServices, body: (ctx: ActionContext) => Promise<void>): Promise<void> {
  // The runtime the runner started us with (tests assert it: packages/integration/test/node-runtime.test.ts).
  core.debug(`${name}: node ${process.version}`);
  const { ctx, close } = runnerContext(name, process.env, services);
  try {
    await body(ctx);
  } catch (error) {
    core.setFailed(boundLines(`${name}: ${errorMessage(error)}`));
  } finally {
    await close();
  }
}

export function setOutputs(outputs: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
}

/** Fails the step with `failure` once outputs and summary are written (a run that failed after publishing). */
export function failIf(failure: string | undefined): void {
  if (failure !== undefined) throw new Error(failure);
}

/** Writes a markdown job summary; outside the runner (no GITHUB_STEP_SUMMARY) it goes to the log instead. */
export async function writeSummary(markdown: string): Promise<void> {
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown, true).write();
  else core.info(markdown);
}
