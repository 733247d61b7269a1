// The whole pipeline against a registry that behaves like ghcr.io / Docker Hub (scripts/testbed/token-registry.sh):
// registry 2.8 with `auth: token` at https://registry.moam.test (a real host name, so buildx imagetools uses TLS),
// Bearer challenges answered by the test bed's token service (packages/testkit/src/token-service.ts) at
// https://auth.moam.test:5447/token, which grants only the scopes each user is allowed. Credentials come from
// `docker login` into a per-step DOCKER_CONFIG, as docker/login-action does on GitHub.
// Trust as on a runner with a private registry: dockerd and our Node client through
// /etc/docker/certs.d/registry.moam.test/ca.crt (NODE_EXTRA_CA_CERTS is removed from the steps' environment), Go
// tools (buildx imagetools, cosign) through SSL_CERT_FILE.
// Run with: source <(bash scripts/testbed.sh env); source <(bash scripts/testbed/token-registry.sh env)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionRun, githubTagEnv, runBundledAction, startCosignMirror, testbed, uniqueName } from '@moam/testkit';
import { createExec } from '../../core/src/exec.ts';
import { parseImageName } from '../../core/src/image.ts';
import { sha256Digest } from '../../core/src/oci/manifest.ts';
import { RegistryClient, RegistryError, type TraceEvent } from '../../core/src/registry/index.ts';
import { startFulcio, type FulcioStandIn } from '../../testkit/src/fulcio.ts';
import { startOidcService, type OidcService } from '../../testkit/src/oidc-service.ts';
import { createTokenSigner } from '../../testkit/src/token-service.ts';

const tb = testbed();

function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run bash scripts/testbed/token-registry.sh up, then source <(bash scripts/testbed/token-registry.sh env)`);
  return v;
}

interface Account {
  readonly user: string;
  readonly password: string;
}

const tr = {
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

const tmpDirs: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), `moam-token-${prefix}-`));
  tmpDirs.push(d);
  return d;
}
afterAll(async () => {
  await Promise.all(tmpDirs.map((d) => rm(d, { recursive: true, force: true })));
});

function runTool(file: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
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
async function dockerLogin(account: Account): Promise<string> {
  const dir = await tempDir('docker-config');
  const r = await runTool('docker', ['login', '--username', account.user, '--password-stdin', tr.registry], { env: { ...process.env, DOCKER_CONFIG: dir }, input: account.password });
  if (r.code !== 0) throw new Error(`docker login ${tr.registry} as ${account.user} failed:\n${r.stdout}\n${r.stderr}`);
  return dir;
}

/**
 * A step's environment: its docker config, and no NODE_EXTRA_CA_CERTS, so that our Node client trusts the
 * registry and its token realm through certs.d alone. SSL_CERT_FILE (the test bed's bundle) stays, for Go tools.
 */
const stepEnv = (dockerConfig: string): Record<string, string | undefined> => ({ DOCKER_CONFIG: dockerConfig, NODE_EXTRA_CA_CERTS: undefined });

function buildLeg(image: string, platform: string, dockerConfig: string, handoff: string): Promise<ActionRun> {
  return runBundledAction('build-by-digest', {
    inputs: { images: image, platform, context: tb.sampleApp, 'build-args': `BUSYBOX_IMAGE=${tb.busyboxImage}`, 'sbom-generator': tb.sbomGenerator },
    env: { MOAM_HANDOFF_DIR: handoff, ...stepEnv(dockerConfig) },
  });
}

const exec = createExec({ log: () => undefined });
function client(dockerConfig: string, trace?: TraceEvent[], log?: string[]): RegistryClient {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: dockerConfig };
  delete env.NODE_EXTRA_CA_CERTS;
  // No system CAs either: the registry and the token realm must be trusted through certs.d/registry.moam.test.
  return new RegistryClient({ env, exec, systemCaFiles: [], ...(trace ? { trace: (e) => trace.push(e) } : {}), ...(log ? { log: (l) => log.push(l) } : {}) });
}

/** One HTTPS exchange with the test CA (for what no client does: raw token requests, hand-made tokens). */
function request(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
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

const basic = (a: Account) => `Basic ${Buffer.from(`${a.user}:${a.password}`).toString('base64')}`;

async function tokenFor(account: Account | undefined, scopes: readonly string[]): Promise<string> {
  const url = new URL(tr.realm);
  url.searchParams.set('service', tr.service);
  for (const s of scopes) url.searchParams.append('scope', s);
  const r = await request(url.href, { headers: account ? { authorization: basic(account) } : {} });
  expect(r.status, r.body).toBe(200);
  return (JSON.parse(r.body) as { token: string }).token;
}

/** What the registry stores for a repository: nothing at all means nothing was pushed. */
function repositoryDir(repo: string): string {
  return path.join(tr.storage, 'docker/registry/v2/repositories', repo);
}

// ------------------------------------------------------------------------------------------------------------

describe('the pipeline through the bundled actions, against token auth (registry.moam.test)', () => {
  let oidc: OidcService;
  let fulcio: FulcioStandIn;
  let mirror: Awaited<ReturnType<typeof startCosignMirror>>;
  let install: Record<string, string>;
  let cosignEnv: Record<string, string>;
  let ciConfig: string;
  let readerConfig: string;
  let privateKey: string;
  let publicKeyFile: string;
  const PASSWORD = 'token-registry-test';
  const repo = `moam/${uniqueName('pipeline')}`;
  const image = `${tr.registry}/${repo}`;
  let legs: Record<string, ActionRun> = {};
  let merged: ActionRun;
  let index = '';

  beforeAll(async () => {
    oidc = await startOidcService({ claims: { repository: 'moam/app', ref: 'refs/tags/v1.0.0' } });
    fulcio = await startFulcio({ issuers: [oidc] });
    mirror = await startCosignMirror(tb.cosign);
    install = { 'cosign-version': mirror.version, 'cosign-sha256': mirror.sha256, 'cosign-base-url': mirror.url };
    const home = await tempDir('cosign-home');
    cosignEnv = { ...fulcio.env, HOME: home, TUF_ROOT: path.join(home, '.sigstore'), GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'moam/app' };
    const gen = await runTool(tb.cosign, ['generate-key-pair', '--output-key-prefix', path.join(home, 'cosign')], { env: { ...process.env, COSIGN_PASSWORD: PASSWORD } });
    expect(gen.code, gen.stderr).toBe(0);
    privateKey = await readFile(path.join(home, 'cosign.key'), 'utf8');
    publicKeyFile = path.join(home, 'cosign.pub');

    [ciConfig, readerConfig] = await Promise.all([dockerLogin(tr.ci), dockerLogin(tr.reader)]);
    const handoff = await tempDir('handoff');
    const platforms = ['linux/amd64', 'linux/arm64'];
    const runs = await Promise.all(platforms.map((p) => buildLeg(image, p, ciConfig, handoff)));
    legs = Object.fromEntries(platforms.map((p, i) => [p, runs[i] as ActionRun]));
    merged = await runBundledAction('merge-manifest', { inputs: { images: image, platforms: platforms.join(',') }, env: { MOAM_HANDOFF_DIR: handoff, ...githubTagEnv('v1.0.0'), ...stepEnv(ciConfig) } });
    index = merged.outputs.digest ?? '';
  });
  afterAll(async () => {
    await Promise.all([oidc?.close(), fulcio?.close(), mirror?.close()]);
  });

  const sign = (extra: Record<string, string>, env: Record<string, string | undefined> = {}) =>
    runBundledAction('sign-recursive', { inputs: { images: image, digest: index, 'tlog-upload': 'false', ...install, ...extra }, env: { ...cosignEnv, ...stepEnv(ciConfig), ...env } });
  const verify = (ref: string, extra: Record<string, string>) =>
    runBundledAction('verify', { inputs: { image: ref, 'insecure-ignore-tlog': 'true', platforms: 'linux/amd64,linux/arm64', ...install, ...extra }, env: { ...cosignEnv, ...stepEnv(readerConfig) } });

  it('builds both legs by digest after docker login, and merges them into one index', async () => {
    for (const [platform, run] of Object.entries(legs)) {
      expect(run.exitCode, `${platform}\n${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
    expect(merged.exitCode, merged.stdout + merged.stderr).toBe(0);
    expect(index).toMatch(/^sha256:[0-9a-f]{64}$/);
    // Read back with pull-only credentials, through the token service.
    const c = client(readerConfig);
    try {
      const got = await c.getManifest(parseImageName(image), '1.0.0');
      expect(got.digest).toBe(index);
      const platforms = (got.json.manifests ?? []).filter((m) => m.platform?.os === 'linux').map((m) => `${m.platform?.os}/${m.platform?.architecture}`);
      expect(platforms.sort()).toEqual(['linux/amd64', 'linux/arm64']);
    } finally {
      c.close();
    }
  });

  it('signs keyless (Fulcio + OIDC stand-ins) and with a key: every digest of the index', async () => {
    const keyless = await sign({ 'fulcio-url': fulcio.url }, oidc.env);
    expect(keyless.exitCode, keyless.stdout + keyless.stderr).toBe(0);
    const signedKeyless = JSON.parse(keyless.outputs.signed ?? '[]') as Array<{ kind: string; status: string }>;
    expect(signedKeyless.map((s) => `${s.kind}:${s.status}`).sort()).toEqual(['attestation:signed', 'attestation:signed', 'index:signed', 'platform:signed', 'platform:signed']);
    const byKey = await sign({ keyless: 'false', key: privateKey, 'key-password': PASSWORD });
    expect(byKey.exitCode, byKey.stdout + byKey.stderr).toBe(0);
    const signedByKey = JSON.parse(byKey.outputs.signed ?? '[]') as Array<{ status: string }>;
    expect(signedByKey).toHaveLength(5);
    expect(signedByKey.every((s) => s.status === 'signed')).toBe(true);
  });

  it('verifies keyless and by key with pull-only credentials', async () => {
    const keyless = await verify(`${image}:1.0.0`, { repository: 'moam/app' });
    expect(keyless.exitCode, keyless.stdout + keyless.stderr).toBe(0);
    expect(keyless.outputs.verified).toBe('true');
    const byKey = await verify(`${image}:1.0.0`, { key: publicKeyFile });
    expect(byKey.exitCode, byKey.stdout + byKey.stderr).toBe(0);
    expect(byKey.outputs.verified).toBe('true');
    const report = JSON.parse(byKey.outputs.report ?? '{}') as { digest?: string };
    expect(report.digest).toBe(index);
  });

  it('a pull-only user is refused naming the registry, the repository and the push scope; nothing is pushed', async () => {
    const denied = `moam/${uniqueName('pull-only')}`;
    const run = await buildLeg(`${tr.registry}/${denied}`, 'linux/amd64', readerConfig, await tempDir('handoff-denied'));
    expect(run.exitCode).toBe(1);
    const message = run.errors.join('\n');
    expect(message).toContain(`${tr.registry}/${denied}`);
    expect(message).toContain(`repository:${denied}:push`);
    expect(message).toContain(`it grants repository:${denied}:pull`);
    // Not a blob, not an upload session, not a manifest.
    expect(existsSync(path.join(repositoryDir(denied), '_layers'))).toBe(false);
    expect(existsSync(path.join(repositoryDir(denied), '_manifests'))).toBe(false);
  });

  // build-by-digest asks for push access (an upload started and cancelled) before it builds: a HEAD needs only pull.
  it('a pull-only user is refused before the build starts', async () => {
    const denied = `moam/${uniqueName('pull-only')}`;
    const run = await buildLeg(`${tr.registry}/${denied}`, 'linux/amd64', readerConfig, await tempDir('handoff-denied'));
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toMatch(new RegExp(`check push access.*repository:${denied}:push`));
    expect(run.stdout).not.toMatch(/::group::Build /);
    expect(existsSync(repositoryDir(denied))).toBe(false);
  });
});

describe('the registry client against token auth', () => {
  let ciConfig: string;
  let pusherConfig: string;
  let readerConfig: string;
  beforeAll(async () => {
    [ciConfig, pusherConfig, readerConfig] = await Promise.all([dockerLogin(tr.ci), dockerLogin(tr.pusher), dockerLogin(tr.reader)]);
  });

  it('checkPushAccess: granted for the namespace owner and the repositories a user may push to, refused naming the missing scope otherwise', async () => {
    const owned = `moam/${uniqueName('owned')}`;
    const pushable = `moam/pushable-${randomBytes(4).toString('hex')}`;
    const other = `moam/${uniqueName('other')}`;
    const trace: TraceEvent[] = [];
    const ci = client(ciConfig, trace);
    const pusher = client(pusherConfig);
    const reader = client(readerConfig);
    try {
      await ci.checkPushAccess(`${tr.registry}/${owned}`);
      // The token realm lives on another host; certs.d/registry.moam.test is all the client trusts here.
      expect(trace.filter((e) => e.url.startsWith(tr.realm)).every((e) => e.status === 200)).toBe(true);
      // The probe upload was cancelled: DELETE needs the delete scope on registry 2.8, which moam-ci has. (2.8 leaves
      // an empty hashstates directory behind; the upload's data and start time are gone.)
      expect(trace.filter((e) => e.method === 'DELETE').map((e) => e.status)).toEqual([401, 204]);
      for (const id of await readdir(path.join(repositoryDir(owned), '_uploads')).catch(() => [])) {
        expect(existsSync(path.join(repositoryDir(owned), '_uploads', id, 'data'))).toBe(false);
        expect(existsSync(path.join(repositoryDir(owned), '_uploads', id, 'startedat'))).toBe(false);
      }
      expect(existsSync(path.join(repositoryDir(owned), '_layers'))).toBe(false);
      await pusher.checkPushAccess(`${tr.registry}/${pushable}`);

      const refusedOther = pusher.checkPushAccess(`${tr.registry}/${other}`);
      await expect(refusedOther).rejects.toBeInstanceOf(RegistryError);
      await expect(refusedOther).rejects.toThrow(`the token lacks repository:${other}:pull,push (it grants nothing there)`);
      const refusedReader = reader.checkPushAccess(`${tr.registry}/${owned}`);
      await expect(refusedReader).rejects.toMatchObject({ registry: tr.registry, repository: owned, status: 401 });
      await expect(refusedReader).rejects.toThrow(`the token lacks repository:${owned}:push (it grants repository:${owned}:pull)`);
      // A HEAD, all the old check did, passes with the same credentials.
      expect(await reader.blobExists(parseImageName(`${tr.registry}/${owned}`), sha256Digest(Buffer.alloc(0)))).toBe(false);
    } finally {
      ci.close();
      pusher.close();
      reader.close();
    }
  });

  it('a cross-repository mount refused for scope falls back to a normal upload', async () => {
    const src = `moam/${uniqueName('mount-src')}`;
    const dst = `moam/pushable-${randomBytes(4).toString('hex')}`;
    const owned = `moam/${uniqueName('mount-dst')}`;
    const blob = Buffer.from(`layer ${randomBytes(16).toString('hex')}`);
    const source = { digest: sha256Digest(blob), size: blob.length, content: blob };
    const from = parseImageName(`${tr.registry}/${src}`);
    const ci = client(ciConfig);
    const trace: TraceEvent[] = [];
    const log: string[] = [];
    const pusher = client(pusherConfig, trace, log);
    try {
      expect(await ci.pushBlob(from, source)).toBe('uploaded');
      // moam-ci may pull the source: a real mount.
      expect(await ci.pushBlob(parseImageName(`${tr.registry}/${owned}`), source, { mountFrom: from })).toBe('mounted');
      // moam-pusher may push to dst but not pull src: the registry refuses the mount (401 insufficient_scope).
      expect(await pusher.pushBlob(parseImageName(`${tr.registry}/${dst}`), source, { mountFrom: from })).toBe('uploaded');
      const posts = trace.filter((e) => e.method === 'POST' && e.url.startsWith(`https://${tr.registry}/`)).map((e) => `${new URL(e.url).search ? 'mount' : 'upload'} ${e.status}`);
      expect(posts).toEqual(['mount 401', 'mount 401', 'upload 202']);
      expect(log.some((l) => l.includes(`mounting blobs from ${src} into ${dst} was refused (401 UNAUTHORIZED); uploading them instead`))).toBe(true);
      expect(await ci.getBlob(parseImageName(`${tr.registry}/${dst}`), source.digest)).toEqual(blob);
    } finally {
      ci.close();
      pusher.close();
    }
  });

  it('an identity token from docker login (refresh token) works through the OAuth2 POST form', async () => {
    const robotConfig = await dockerLogin(tr.robot);
    const config = JSON.parse(await readFile(path.join(robotConfig, 'config.json'), 'utf8')) as { auths: Record<string, { identitytoken?: string }> };
    expect(config.auths[tr.registry]?.identitytoken).toBeTruthy();
    const repo = `moam/${uniqueName('robot')}`;
    const trace: TraceEvent[] = [];
    const c = client(robotConfig, trace);
    try {
      await c.checkPushAccess(`${tr.registry}/${repo}`);
      const blob = Buffer.from('robot');
      expect(await c.pushBlob(parseImageName(`${tr.registry}/${repo}`), { digest: sha256Digest(blob), size: blob.length, content: blob })).toBe('uploaded');
      const tokenRequests = trace.filter((e) => e.url.startsWith(tr.realm));
      expect(tokenRequests.length).toBeGreaterThan(0);
      expect(tokenRequests.every((e) => e.method === 'POST' && e.status === 200)).toBe(true);
    } finally {
      c.close();
    }
  });
});

describe('what the token service and the registry refuse', () => {
  it('docker login with a wrong password: "unauthorized: incorrect username or password"', async () => {
    const dir = await tempDir('docker-config-wrong');
    const r = await runTool('docker', ['login', '--username', tr.ci.user, '--password-stdin', tr.registry], { env: { ...process.env, DOCKER_CONFIG: dir }, input: 'wrong' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('unauthorized: incorrect username or password');
  });

  it('the token endpoint answers bad credentials with 401 and a Basic challenge, never with an anonymous token', async () => {
    const r = await request(`${tr.realm}?service=${encodeURIComponent(tr.service)}&scope=repository:moam/x:pull`, { headers: { authorization: basic({ user: tr.ci.user, password: 'wrong' }) } });
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toMatch(/^Basic realm=/);
    expect(JSON.parse(r.body)).toEqual({ details: 'incorrect username or password' });
  });

  it('a token without the scope: the registry answers 401 insufficient_scope, naming the scope it wants', async () => {
    const repo = `moam/${uniqueName('scope')}`;
    const token = await tokenFor(tr.reader, [`repository:${repo}:pull,push`]);
    const r = await request(`https://${tr.registry}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(401);
    const challenge = String(r.headers['www-authenticate']);
    expect(challenge).toContain(`Bearer realm="${tr.realm}",service="${tr.service}"`);
    expect(challenge).toMatch(new RegExp(`scope="repository:${repo}:(push,pull|pull,push)"`));
    expect(challenge).toContain('error="insufficient_scope"');
    // The same token still pulls.
    expect((await request(`https://${tr.registry}/v2/${repo}/tags/list`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
  });

  it('registry 2.8 takes the signing key by libtrust kid or as an x5c certificate, and nothing else', async () => {
    const key = await readFile(tr.signingKey, 'utf8');
    const cert = await readFile(tr.signingCert, 'utf8');
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: tr.issuer, sub: 'test', aud: tr.service, iat: now, nbf: now, exp: now + 120, jti: randomBytes(8).toString('hex'), access: [] };
    const v2 = async (token: string) => {
      const r = await request(`https://${tr.registry}/v2/`, { headers: { authorization: `Bearer ${token}` } });
      return `${r.status}${String(r.headers['www-authenticate'] ?? '').includes('invalid_token') ? ' invalid_token' : ''}`;
    };
    expect(await v2(createTokenSigner({ privateKeyPem: key }).sign(claims))).toBe('200');
    expect(await v2(createTokenSigner({ privateKeyPem: key, certificatePem: cert, header: 'x5c' }).sign(claims))).toBe('200');
    expect(await v2(createTokenSigner().sign(claims))).toBe('401 invalid_token');
    expect(await v2(createTokenSigner({ privateKeyPem: key }).sign({ ...claims, aud: 'another-service' }))).toBe('401 invalid_token');
    expect(await v2(createTokenSigner({ privateKeyPem: key }).sign({ ...claims, exp: now - 120 }))).toBe('401 invalid_token');
  });

  it('a refresh token is no access token: the registry refuses it', async () => {
    const r = await request(tr.realm, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: tr.ci.user, password: tr.ci.password, service: tr.service, client_id: 'moam-test', access_type: 'offline' }).toString(),
    });
    expect(r.status, r.body).toBe(200);
    const { refresh_token: refresh, access_token: access } = JSON.parse(r.body) as { refresh_token: string; access_token: string };
    expect((await request(`https://${tr.registry}/v2/`, { headers: { authorization: `Bearer ${access}` } })).status).toBe(200);
    expect((await request(`https://${tr.registry}/v2/`, { headers: { authorization: `Bearer ${refresh}` } })).status).toBe(401);
  });
});
