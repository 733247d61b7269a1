// Test support for the registry client files (registry-client-*.test.ts): the test bed's registries from the
// environment, and clients of the core's RegistryClient that log to one place. Scratch directories:
// support/temp-dirs.ts (`afterAll(removeTempDirs)` in each file).
import { randomBytes } from 'node:crypto';
import { createExec } from '../../../core/src/exec.ts';
import { RegistryClient, type RegistryClientDeps } from '../../../core/src/registry/index.ts';

export const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: start the test bed (bash scripts/testbed.sh up) and run with source <(bash scripts/testbed.sh env)`);
  return v;
};

const lines: string[] = [];
export const exec = createExec({ log: (l) => lines.push(l) });

export function client(extra: Partial<RegistryClientDeps> & { env?: NodeJS.ProcessEnv } = {}): RegistryClient {
  return new RegistryClient({ env: process.env, exec, log: (l) => lines.push(l), ...extra });
}

export const uniqueRepo = (what: string) => `moam-test/registry-${what}-${randomBytes(5).toString('hex')}`;
