// Test support for the files that run against the token-auth registry (token-registry-*.test.ts,
// scripts/testbed/token-registry.sh): registry 2.8 with `auth: token` at https://registry.moam.test, Bearer challenges
// answered by the test bed's token service (packages/testkit/src/token-service.ts), the accounts it knows, `docker
// login` into a per-step DOCKER_CONFIG as docker/login-action does, our registry client trusting the registry through
// certs.d alone, and raw HTTPS exchanges with the test CA.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { expect } from 'vitest';
import { type ActionRun, runBundledAction, testbed } from '@moam/testkit';
import { createExec } from '../../../core/src/exec.ts';
import { RegistryClient, type TraceEvent } from '../../../core/src/registry/index.ts';
import { tempDir as scratchDir } from './temp-dirs.ts';

const tb = testbed();

function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run bash scripts/testbed/token-registry.sh up, then source <(bash scripts/testbed/token-registry.sh env)`);
  return v;
}

export interface Account {
  readonly user: string;
  readonly password: string;
}

export const tr = {
  registry: need('MOAM_TOKEN_REGISTRY'),
  realm: need('MOAM_TOKEN_REALM'),
  service: need('MOAM_TOKEN_SERVICE'),
  issuer: need('MOAM_TOKEN_ISSUER'),
  ci: { user: need('MOAM_TOKEN_CI_USER'), password: need('MOAM_TOKEN_CI_PASSWORD') } as Account,
  pusher: { user: need('MOAM_TOKEN_PUSHER_USER'), password: need('MOAM_TOKEN_PUSHER_PASSWORD') } as Account,
  reader: { user: need('MOAM_TOKEN_READER_USER'), password: need('MOAM_TOKEN_READER_PASSWORD') } as Account,
  robot: { user: need('MOAM_TOKEN_ROBOT_USER'), password: need('MOAM_TOKEN_ROBOT_PASSWORD') } as Account,
  signingKey: need('MOAM_TOKEN_SIGNING_KEY'),
  signingCert: need('MOAM_TOKEN_SIGNING_CERT'),
  storage: need('MOAM_TOKEN_REGISTRY_STORAGE'),
};
const testCa = readFileSync(need('MOAM_TLS_CA'));

/** A scratch directory moam-token-<prefix>-…: `afterAll(removeTempDirs)` (support/temp-dirs.ts) in each file. */
export const tempDir = (prefix: string) => scratchDir(`token-${prefix}`);

export function runTool(file: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.end(options.input ?? '');
  });
}

/** `docker login` into a fresh DOCKER_CONFIG, exactly as docker/login-action does it (password on stdin). */
export async function dockerLogin(account: Account): Promise<string> {
  const dir = await tempDir('docker-config');
  const r = await runTool('docker', ['login', '--username', account.user, '--password-stdin', tr.registry], { env: { ...process.env, DOCKER_CONFIG: dir }, input: account.password });
  if (r.code !== 0) throw new Error(`docker login ${tr.registry} as ${account.user} failed:\n${r.stdout}\n${r.stderr}`);
  return dir;
}

/**
 * A step's environment: its docker config, and no NODE_EXTRA_CA_CERTS, so that our Node client trusts the
 * registry and its token realm through certs.d alone. SSL_CERT_FILE (the test bed's bundle) stays, for Go tools.
 */
export const stepEnv = (dockerConfig: string): Record<string, string | undefined> => ({ DOCKER_CONFIG: dockerConfig, NODE_EXTRA_CA_CERTS: undefined });

export function buildLeg(image: string, platform: string, dockerConfig: string, handoff: string): Promise<ActionRun> {
  return runBundledAction('build-by-digest', {
    inputs: { images: image, platform, context: tb.sampleApp, 'build-args': `BUSYBOX_IMAGE=${tb.busyboxImage}`, 'sbom-generator': tb.sbomGenerator },
    env: { MOAM_HANDOFF_DIR: handoff, ...stepEnv(dockerConfig) },
  });
}

const exec = createExec({ log: () => undefined });
export function client(dockerConfig: string, trace?: TraceEvent[], log?: string[]): RegistryClient {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: dockerConfig };
  delete env.NODE_EXTRA_CA_CERTS;
  // No system CAs either: the registry and the token realm must be trusted through certs.d/registry.moam.test.
  return new RegistryClient({ env, exec, systemCaFiles: [], ...(trace ? { trace: (e) => trace.push(e) } : {}), ...(log ? { log: (l) => log.push(l) } : {}) });
}

/** One HTTPS exchange with the test CA (for what no client does: raw token requests, hand-made tokens). */
export function request(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: init.method ?? 'GET', headers: init.headers ?? {}, ca: testCa }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

export const basic = (a: Account) => `Basic ${Buffer.from(`${a.user}:${a.password}`).toString('base64')}`;

export async function tokenFor(account: Account | undefined, scopes: readonly string[]): Promise<string> {
  const url = new URL(tr.realm);
  url.searchParams.set('service', tr.service);
  for (const s of scopes) url.searchParams.append('scope', s);
  const r = await request(url.href, { headers: account ? { authorization: basic(account) } : {} });
  expect(r.status, r.body).toBe(200);
  return (JSON.parse(r.body) as { token: string }).token;
}

/** What the registry stores for a repository: nothing at all means nothing was pushed. */
export function repositoryDir(repo: string): string {
  return path.join(tr.storage, 'docker/registry/v2/repositories', repo);
}
