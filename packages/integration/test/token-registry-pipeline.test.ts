// The whole pipeline through the bundled actions against a registry that behaves like ghcr.io / Docker Hub
// (scripts/testbed/token-registry.sh): registry 2.8 with `auth: token` at https://registry.moam.test (a real host
// name, so buildx imagetools uses TLS), Bearer challenges answered by the test bed's token service
// (packages/testkit/src/token-service.ts) at https://auth.moam.test:5447/token, which grants only the scopes each
// user is allowed. Credentials come from `docker login` into a per-step DOCKER_CONFIG, as docker/login-action does on
// GitHub. Trust as on a runner with a private registry: dockerd and our Node client through
// /etc/docker/certs.d/registry.moam.test/ca.crt (NODE_EXTRA_CA_CERTS is removed from the steps' environment), Go
// tools (buildx imagetools, cosign) through SSL_CERT_FILE. Shared setup: support/token-registry.ts.
// Run with: source <(bash scripts/testbed.sh env); source <(bash scripts/testbed/token-registry.sh env)
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionRun, githubTagEnv, runBundledAction, startCosignMirror, testbed, uniqueName } from '@moam/testkit';
import { parseImageName } from '../../core/src/image.ts';
import { startFulcio, type FulcioStandIn } from '../../testkit/src/fulcio.ts';
import { startOidcService, type OidcService } from '../../testkit/src/oidc-service.ts';
import { buildLeg, client, dockerLogin, repositoryDir, runTool, stepEnv, tempDir, tr } from './support/token-registry.ts';
import { removeTempDirs } from './support/temp-dirs.ts';

const tb = testbed();

afterAll(removeTempDirs);

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
