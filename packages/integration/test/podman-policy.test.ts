// A real container engine enforcing the consumer policy generated from the expected signer: the sample app is
// released through the bundled actions (build-by-digest legs, merge-manifest, sign-recursive with a key, no tlog),
// containersPolicy() + registriesD() turn the expected signer into policy.json and a registries.d file, and
// podman 5.4 / skopeo 1.18 (Debian trixie, scripts/testbed/podman.sh: a private prefix, run in a private mount
// namespace by its moam-podman wrapper) pull with them from the test bed's registry.
//
// The policy's default is reject, so every successful pull below passed the sigstoreSigned requirement. For a
// keyless signer the generator refuses (containers-policy.json can only match an e-mail SAN): the test checks the
// refusal, that the cosign lines it points to instead do enforce the keyless signer, and - when the Rekor stand-in
// is available - that even a genuine keyless signature with a Rekor SET cannot pass a hand-written fulcio policy.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ActionRun,
  type FulcioStandIn,
  type OidcService,
  buildLegs,
  githubTagEnv,
  merge,
  repoRoot,
  runBundledAction,
  startCosignMirror,
  startFulcio,
  startOidcService,
  testbed,
  tool,
  uniqueName,
} from '@moam/testkit';
import { containersPolicy, registriesD } from '../../core/src/policy/containers-policy.ts';
import { cosignVerifyCommands } from '../../core/src/policy/cosign-commands.ts';
import { type KeySigner, type KeylessSigner, GITHUB_ACTIONS_ISSUER, moamReusableWorkflowIdentity } from '../../core/src/policy/expected-signer.ts';
import { describeRefusal } from '../../core/src/policy/result.ts';

const run = promisify(execFile);

/**
 * The test bed's podman wrapper. MOAM_PODMAN (exported by the test bed env once podman.sh is wired in) is used as
 * it is: if it names a missing file the tests fail, a broken test bed is not a reason to skip. Without it, the
 * place podman.sh installs to next to the test bed prefix; the tests skip only when podman is not there either.
 */
function findPodman(): { path?: string; why: string } {
  if (process.env.MOAM_PODMAN) return { path: process.env.MOAM_PODMAN, why: '' };
  const prefix = process.env.MOAM_TESTBED_PREFIX;
  const candidate = prefix ? path.join(path.dirname(prefix), 'podman/bin/moam-podman') : undefined;
  if (candidate) {
    try {
      accessSync(candidate, constants.X_OK);
      return { path: candidate, why: '' };
    } catch {
      // not installed: skip below
    }
  }
  return { why: `podman is not installed by the test bed (MOAM_PODMAN is unset and ${candidate ?? 'MOAM_TESTBED_PREFIX is unset'} is not there): run bash scripts/testbed/podman.sh up` };
}

const podman = findPodman();
if (!podman.path) console.warn(`podman-policy.test.ts skipped: ${podman.why}`);

const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;
// The testkit's Rekor stand-in (packages/testkit/src/rekor.ts, new at the time of writing): the SET experiment runs
// only where it exists, imported by path so that this file compiles without it.
const REKOR_MODULE = path.join(repoRoot, 'packages/testkit/src/rekor.ts');
const MOAM_JOB_WORKFLOW = 'moam-project/multi-arch-of-madness/.github/workflows/multi-arch.yml@refs/tags/v1';

interface Engine {
  code: number;
  out: string;
}

describe.skipIf(!podman.path)(podman.path ? 'podman and skopeo enforce the policy generated from the expected signer' : `SKIPPED: ${podman.why}`, () => {
  const tb = testbed();
  const base = `moam-it/${uniqueName('podman')}`;
  /** released and signed with key A */
  const app = `${tb.registry}/${base}-app`;
  /** the same image, never signed */
  const unsigned = `${tb.registry}/${base}-unsigned`;
  /** the same image, signed with key B */
  const otherKey = `${tb.registry}/${base}-otherkey`;
  /** the same image with app's signatures copied along (cosign copy): signed for another repository */
  const copied = `${tb.registry}/${base}-copied`;
  /** the same image, only the index signed (sign-recursive recursive: false) */
  const flat = `${tb.registry}/${base}-flat`;
  /** app with its signatures, in a repository the policy does not name */
  const outside = `${tb.registry}/${base}-outside`;

  let home = '';
  let mirror: Awaited<ReturnType<typeof startCosignMirror>>;
  let install: Record<string, string>;
  let keyA = { priv: '', pubFile: '' };
  let keyB = { priv: '', pubFile: '' };
  let index = '';
  let platforms: Record<string, string> = {};
  let signer: KeySigner;
  let policyDir = '';

  const cosignEnv = (extra: Record<string, string> = {}): Record<string, string> => ({ HOME: home, TUF_ROOT: path.join(home, '.sigstore'), GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'octo-org/app', ...extra });
  const show = (r: ActionRun): string => `exit ${r.exitCode}\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-2000)}`;

  async function signWithKey(image: string, key: string, extra: Record<string, string> = {}): Promise<void> {
    const r = await runBundledAction('sign-recursive', {
      inputs: { images: image, digest: index, keyless: 'false', key, 'key-password': PASSWORD, 'tlog-upload': 'false', ...install, ...extra },
      env: cosignEnv(),
    });
    expect(r.exitCode, show(r)).toBe(0);
  }

  /** moam-podman --policy DIR/policy.json --registries-d DIR/registries.d -- podman|skopeo ARGS. */
  async function engine(dir: string, args: string[]): Promise<Engine> {
    return new Promise((resolve) => {
      execFile(podman.path as string, ['--policy', path.join(dir, 'policy.json'), '--registries-d', path.join(dir, 'registries.d'), '--', ...args], { timeout: 300_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, out: `${stdout}${stderr}` }),
      );
    });
  }

  /** Writes what the generator emits for `s` (policy.json + registries.d/moam.yaml) into a new directory. */
  async function writePolicy(s: KeySigner): Promise<string> {
    const policy = containersPolicy(s);
    if (!policy.ok) throw new Error(describeRefusal(policy));
    const dir = await mkdtemp(path.join(home, 'policy-'));
    await mkdir(path.join(dir, 'registries.d'));
    await writeFile(path.join(dir, 'policy.json'), policy.text);
    await writeFile(path.join(dir, 'registries.d', 'moam.yaml'), registriesD(s).text);
    return dir;
  }

  async function generateKey(prefix: string): Promise<{ priv: string; pubFile: string }> {
    await run(tb.cosign, ['generate-key-pair', '--output-key-prefix', prefix], { cwd: home, env: { ...process.env, COSIGN_PASSWORD: PASSWORD } });
    return { priv: await readFile(path.join(home, `${prefix}.key`), 'utf8'), pubFile: path.join(home, `${prefix}.pub`) };
  }

  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'moam-podman-policy-'));
    mirror = await startCosignMirror(tb.cosign);
    install = { 'cosign-version': mirror.version, 'cosign-sha256': mirror.sha256, 'cosign-base-url': mirror.url };
    [keyA, keyB] = await Promise.all([generateKey('a'), generateKey('b')]);

    const legs = await buildLegs(app, ['linux/amd64', 'linux/arm64']);
    const merged = await merge(app, legs.handoff, githubTagEnv('v1.0.0'));
    expect(merged.exitCode, merged.stdout).toBe(0);
    index = merged.outputs.digest as string;
    const listed = (JSON.parse(merged.outputs.manifest as string) as { manifests: Array<{ digest: string; platform: { os: string; architecture: string } }> }).manifests;
    platforms = Object.fromEntries(listed.filter((m) => m.platform.os === 'linux').map((m) => [`linux/${m.platform.architecture}`, m.digest]));
    expect(Object.keys(platforms).sort()).toEqual(['linux/amd64', 'linux/arm64']);
    await signWithKey(app, keyA.priv);

    // Same index (same digest) in other repositories: registry-side copies, each with its own signature story.
    for (const repo of [unsigned, otherKey, flat]) await tool('docker', ['buildx', 'imagetools', 'create', '-t', `${repo}:1.0.0`, `${app}@${index}`]);
    await signWithKey(otherKey, keyB.priv);
    await signWithKey(flat, keyA.priv, { recursive: 'false' });
    for (const repo of [copied, outside]) await run(tb.cosign, ['copy', `${app}@${index}`, `${repo}:1.0.0`], { env: { ...process.env, ...cosignEnv() } });

    signer = { kind: 'key', images: [app, unsigned, otherKey, copied, flat], publicKeyPem: await readFile(keyA.pubFile, 'utf8') };
    policyDir = await writePolicy(signer);
  });

  afterAll(async () => {
    await mirror?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('the generated policy: reject by default, the key and matchRepository for each repository', async () => {
    const policy = JSON.parse(await readFile(path.join(policyDir, 'policy.json'), 'utf8')) as unknown;
    const requirement = [{ type: 'sigstoreSigned', keyData: Buffer.from(signer.publicKeyPem).toString('base64'), signedIdentity: { type: 'matchRepository' } }];
    expect(policy).toEqual({ default: [{ type: 'reject' }], transports: { docker: Object.fromEntries(signer.images.map((i) => [i, requirement])) } });
    expect(await readFile(path.join(policyDir, 'registries.d', 'moam.yaml'), 'utf8')).toContain(`  "${app}":\n    use-sigstore-attachments: true\n`);
  });

  it('podman pulls the released image by tag for linux/arm64, and by each platform digest', async () => {
    const byTag = await engine(policyDir, ['podman', 'pull', '--platform', 'linux/arm64', `${app}:1.0.0`]);
    expect(byTag.code, byTag.out).toBe(0);
    expect(byTag.out).toContain('Storing signatures');
    for (const [platform, digest] of Object.entries(platforms)) {
      const byDigest = await engine(policyDir, ['podman', 'pull', '--platform', platform, `${app}@${digest}`]);
      expect(byDigest.code, `${platform}\n${byDigest.out}`).toBe(0);
    }
  });

  it('podman runs the verified arm64 image (qemu binfmt of the test bed)', async () => {
    const r = await engine(policyDir, ['podman', 'run', '--rm', '--network', 'none', '--platform', 'linux/arm64', `${app}:1.0.0`]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/^aarch64$/m);
  });

  it('skopeo copies the arm64 image under the same policy', async () => {
    const r = await engine(policyDir, ['skopeo', '--override-arch', 'arm64', 'copy', `docker://${app}:1.0.0`, 'dir:/run/moam-skopeo-copy']);
    expect(r.code, r.out).toBe(0);
  });

  it('a key-file policy (keyPath) works the same', async () => {
    const dir = await writePolicy({ ...signer, publicKeyPath: keyA.pubFile });
    expect(JSON.parse(await readFile(path.join(dir, 'policy.json'), 'utf8'))).toMatchObject({ transports: { docker: { [app]: [{ keyPath: keyA.pubFile }] } } });
    const ok = await engine(dir, ['podman', 'pull', '--platform', 'linux/arm64', `${app}:1.0.0`]);
    expect(ok.code, ok.out).toBe(0);
    const refused = await engine(dir, ['podman', 'pull', '--platform', 'linux/arm64', `${otherKey}:1.0.0`]);
    expect(refused.code).not.toBe(0);
  });

  it.each<[string, () => string, RegExp]>([
    ['an unsigned image', () => `${unsigned}:1.0.0`, /Source image rejected: A signature was required, but no signature exists/],
    ['an unsigned image, by its arm64 digest', () => `${unsigned}@${platforms['linux/arm64']}`, /Source image rejected: A signature was required, but no signature exists/],
    ['an image signed by another key', () => `${otherKey}:1.0.0`, /Source image rejected: cryptographic signature verification failed/],
    ['an image signed for another repository (signatures copied along)', () => `${copied}:1.0.0`, new RegExp(`Source image rejected: Signature for identity "${app.replace(/[.]/g, '\\.')}" is not accepted`)],
    ['an image from a repository the policy does not name', () => `${outside}:1.0.0`, /Source image rejected: Running image docker:\/\/.*-outside:1\.0\.0 is rejected by policy/],
    ['an image whose platform manifests are unsigned (recursive: false)', () => `${flat}:1.0.0`, /Source image rejected: A signature was required, but no signature exists/],
  ])('podman refuses %s', async (_name, ref, why) => {
    const r = await engine(policyDir, ['podman', 'pull', '--platform', 'linux/arm64', ref()]);
    expect(r.code, r.out).not.toBe(0);
    expect(r.out).toMatch(why);
  });

  it('skopeo refuses an unsigned image and an image signed by another key', async () => {
    const u = await engine(policyDir, ['skopeo', '--override-arch', 'arm64', 'copy', `docker://${unsigned}:1.0.0`, 'dir:/run/moam-skopeo-copy']);
    expect(u.code).not.toBe(0);
    expect(u.out).toMatch(/A signature was required, but no signature exists/);
    const k = await engine(policyDir, ['skopeo', '--override-arch', 'arm64', 'copy', `docker://${otherKey}:1.0.0`, 'dir:/run/moam-skopeo-copy']);
    expect(k.code).not.toBe(0);
    expect(k.out).toMatch(/cryptographic signature verification failed/);
  });

  describe('keyless', () => {
    let oidc: OidcService;
    let fulcio: FulcioStandIn;
    const keylessRepo = `${tb.registry}/${base}-keyless`;
    let keyless: KeylessSigner;

    beforeAll(async () => {
      // A caller (octo-org/app) running our reusable workflow at refs/tags/v1 for its tag v1.2.3.
      oidc = await startOidcService({ claims: { repository: 'octo-org/app', ref: 'refs/tags/v1.2.3', job_workflow_ref: MOAM_JOB_WORKFLOW } });
      fulcio = await startFulcio({ issuers: [oidc] });
      keyless = {
        kind: 'keyless',
        images: [keylessRepo],
        issuer: GITHUB_ACTIONS_ISSUER,
        identity: moamReusableWorkflowIdentity('refs/tags/v1'),
        repository: 'octo-org/app',
        sourceRef: 'tags',
        trigger: 'push',
        tlog: false,
        sigstore: { fulcioCaPath: fulcio.env.SIGSTORE_ROOT_FILE, ctlogPublicKeyPath: fulcio.env.SIGSTORE_CT_LOG_PUBLIC_KEY_FILE },
      };
      await tool('docker', ['buildx', 'imagetools', 'create', '-t', `${keylessRepo}:1.0.0`, `${app}@${index}`]);
      const r = await runBundledAction('sign-recursive', {
        inputs: { images: keylessRepo, digest: index, 'tlog-upload': 'false', 'fulcio-url': fulcio.url, ...install },
        env: { ...cosignEnv(fulcio.env), ...oidc.env },
      });
      expect(r.exitCode, show(r)).toBe(0);
      expect(fulcio.issued.at(-1)?.san).toBe(`https://github.com/${MOAM_JOB_WORKFLOW}`);
    });

    afterAll(async () => {
      await Promise.all([oidc?.close(), fulcio?.close()]);
    });

    it('the generator refuses a containers-policy.json for the keyless signer, saying what it cannot express and what to do', () => {
      const r = containersPolicy(keyless);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      const text = describeRefusal(r);
      expect(text).toMatch(/URI SAN .* sigstoreSigned\.fulcio matches only subjectEmail, exactly, against the e-mail SANs/);
      expect(text).toMatch(/cannot express: the caller repository, ref and trigger/);
      expect(text).toMatch(/cannot express: a keyless signature without a transparency log entry/);
      expect(text).toMatch(/instead: sign with a key as well/);
      expect(text).toMatch(/instead: verify the keyless signature with cosign/);
      // registries.d is still generated: it only turns on fetching the signatures.
      expect(registriesD(keyless).text).toContain('use-sigstore-attachments: true');
    });

    async function runLines(s: KeylessSigner): Promise<Engine[]> {
      const r = cosignVerifyCommands(s, { image: keylessRepo, index, platforms }, { cosign: tb.cosign });
      if (!r.ok) throw new Error(describeRefusal(r));
      return Promise.all(
        r.document.map(
          (c) =>
            new Promise<Engine>((resolve) => {
              execFile('bash', ['-c', `set -o pipefail; ${c.line}`], { env: { ...process.env, ...cosignEnv() }, timeout: 120_000 }, (err, stdout, stderr) =>
                resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, out: `${c.label}: ${stdout}${stderr}` }),
              );
            }),
        ),
      );
    }

    it('the cosign lines it points to instead enforce the keyless signer: index and both platforms', async () => {
      const ok = await runLines(keyless);
      expect(ok.map((r) => r.code), ok.map((r) => r.out).join('\n')).toEqual([0, 0, 0]);
      for (const [name, wrong] of [
        ['another caller repository', { repository: 'evil/app' }],
        ['a branch as the caller ref', { sourceRef: 'branches' }],
        ['another trigger', { trigger: 'workflow_dispatch' }],
        ['our reusable workflow at another tag', { identity: moamReusableWorkflowIdentity('refs/tags/v2') }],
      ] as const) {
        const refused = await runLines({ ...keyless, ...wrong });
        expect(
          refused.map((r) => r.code !== 0),
          `${name}\n${refused.map((r) => r.out).join('\n')}`,
        ).toEqual([true, true, true]);
      }
    });

    it.runIf(existsSync(REKOR_MODULE))('a hand-written fulcio policy cannot accept even a genuine keyless signature with a Rekor SET: only the identity is left, and it cannot match', async () => {
      type Rekor = { url: string; env: Record<string, string>; publicKeyPem: string; close(): Promise<void> };
      const { startRekor } = (await import(pathToFileURL(REKOR_MODULE).href)) as { startRekor: () => Promise<Rekor> };
      const rekor = await startRekor();
      try {
        const repo = `${tb.registry}/${base}-keyless-tlog`;
        await tool('docker', ['buildx', 'imagetools', 'create', '-t', `${repo}:1.0.0`, `${app}@${index}`]);
        const signed = await runBundledAction('sign-recursive', {
          inputs: { images: repo, digest: index, 'tlog-upload': 'true', 'fulcio-url': fulcio.url, 'rekor-url': rekor.url, ...install },
          env: { ...cosignEnv({ ...fulcio.env, ...rekor.env }), ...oidc.env },
        });
        expect(signed.exitCode, show(signed)).toBe(0);
        const san = `https://github.com/${MOAM_JOB_WORKFLOW}`;
        // What an operator might write by hand: the right CA, issuer and Rekor key, the SAN as "subjectEmail".
        const dir = await mkdtemp(path.join(home, 'fulcio-policy-'));
        await mkdir(path.join(dir, 'registries.d'));
        const b64 = (s: string): string => Buffer.from(s).toString('base64');
        const fulcioRequirement = { type: 'sigstoreSigned', fulcio: { caData: b64(fulcio.rootPem + fulcio.intermediatePem), oidcIssuer: GITHUB_ACTIONS_ISSUER, subjectEmail: san }, rekorPublicKeyData: b64(rekor.publicKeyPem), signedIdentity: { type: 'matchRepository' } };
        await writeFile(path.join(dir, 'policy.json'), JSON.stringify({ default: [{ type: 'reject' }], transports: { docker: { [repo]: [fulcioRequirement] } } }));
        await writeFile(path.join(dir, 'registries.d', 'moam.yaml'), registriesD({ ...keyless, images: [repo] }).text);
        const r = await engine(dir, ['podman', 'pull', '--platform', 'linux/arm64', `${repo}:1.0.0`]);
        expect(r.code, r.out).not.toBe(0);
        // c/image checked the SET, the certificate chain and the OIDC issuer before it got here (fulcio_cert.go).
        expect(r.out).toContain(`Source image rejected: Required email "${san}" not found (got [])`);
      } finally {
        await rekor.close();
      }
    });
  });
});
