// Test support for the RegistryClient tests: a fake registry per test and a client wired to record its sleeps,
// trace and log, with injected credentials (never exec). Both are closed by closeOpened(), run after each test.
import type { Exec } from '../../../src/exec.ts';
import { RegistryClient, type RegistryClientDeps, type TraceEvent } from '../../../src/registry/client.ts';
import type { RegistryCredentials } from '../../../src/registry/docker-config.ts';
import { type FakeRegistry, type FakeRegistryOptions, startFakeRegistry } from '../fixtures/fake-registry.ts';
import { digestOf } from '../fixtures/layout.ts';

const noExec: Exec = async () => {
  throw new Error('exec must not be called: credentials are injected');
};

const open: Array<{ close(): unknown }> = [];

/** Closes every registry and client a test opened: `afterEach(closeOpened)`. */
export async function closeOpened(): Promise<void> {
  for (const x of open.splice(0)) await x.close();
}

export async function registry(options: FakeRegistryOptions = {}): Promise<FakeRegistry> {
  const r = await startFakeRegistry(options);
  open.push(r);
  return r;
}

export interface Harness {
  client: RegistryClient;
  sleeps: number[];
  trace: TraceEvent[];
  log: string[];
}

export function harness(credentials?: Omit<RegistryCredentials, 'source'>, extra: Partial<RegistryClientDeps> = {}): Harness {
  const sleeps: number[] = [];
  const trace: TraceEvent[] = [];
  const log: string[] = [];
  const client = new RegistryClient({
    env: {},
    exec: noExec,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    log: (l) => log.push(l),
    trace: (e) => trace.push(e),
    credentials: async () => ({ ...(credentials ? { credentials: { ...credentials, source: 'test credentials' } } : {}), configPath: '/nowhere/config.json' }),
    ...extra,
  });
  open.push(client);
  return { client, sleeps, trace, log };
}

export const blobOf = (content: Buffer) => ({ digest: digestOf(content), size: content.length, content });
