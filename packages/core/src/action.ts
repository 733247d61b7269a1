import * as core from '@actions/core';
import { errorMessage } from './errors.ts';

/** Runs an action body; any error fails the step with its message (which names the input and the fix). */
export async function runAction(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    core.setFailed(`${name}: ${errorMessage(error)}`);
  }
}

export function notImplemented(name: string): never {
  throw new Error(`${name} is not implemented yet in this version of multi-arch-of-madness; pin a release that has it`);
}
