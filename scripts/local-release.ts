// The release pipeline of the sample app on this machine, offline, the way the workflow runs it:
// both legs in parallel through the bundled build-by-digest, the digest hand-off, merge-manifest,
// sign-recursive (ephemeral key pair, or keyless against the local Fulcio stand-in with --keyless), verify.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type ActionRun, runBundledAction, startCosignMirror, testbed } from '@moam/testkit';
import { startOidcService } from '../packages/testkit/src/oidc-service.ts';
import { startFulcio } from '../packages/testkit/src/fulcio.ts';

const args = process.argv.slice(2);
const keyless = args.includes('--keyless');
const version = args.find((a) => !a.startsWith('--')) ?? '0.0.1-rc1';
const tb = testbed();
const image = process.env.MOAM_IMAGE ?? `${tb.registry}/moam/sample-app`;
const platforms = ['linux/amd64', 'linux/arm64'];

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
function show(step: string, run: ActionRun): void {
  console.log(`\n${bold(`== ${step} (${(run.durationMs / 1000).toFixed(1)} s, exit ${run.exitCode})`)}`);
  console.log(run.summary.trim() || '(no summary)');
  if (run.exitCode !== 0) {
    console.error(run.errors.join('\n') || run.stdout.slice(-3000));
    process.exit(1);
  }
}

const work = await mkdtemp(path.join(os.tmpdir(), 'moam-local-release-'));
const handoff = path.join(work, 'handoff');
const github = { GITHUB_REPOSITORY: 'moam-project/multi-arch-of-madness', GITHUB_SERVER_URL: 'https://github.com', GITHUB_SHA: (await promisify(execFile)('git', ['rev-parse', 'HEAD'])).stdout.trim(), GITHUB_REF: `refs/tags/${version}`, GITHUB_REF_NAME: version, GITHUB_EVENT_NAME: 'push', MOAM_HANDOFF_DIR: handoff };
console.log(`${bold('Local release')} of ${image} version ${version}: ${platforms.join(' + ')} (arm64 under qemu), signing ${keyless ? 'keyless (local Fulcio stand-in)' : 'with an ephemeral key pair'}`);

const legs = await Promise.all(
  platforms.map((platform) =>
    runBundledAction('build-by-digest', { inputs: { images: image, platform, context: tb.sampleApp, 'build-args': `BUSYBOX_IMAGE=${tb.busyboxImage}`, 'sbom-generator': tb.sbomGenerator }, env: github }),
  ),
);
legs.forEach((run, i) => show(`build-by-digest ${platforms[i]}`, run));

const merged = await runBundledAction('merge-manifest', { inputs: { images: image, platforms: platforms.join(','), version }, env: github });
show('merge-manifest', merged);
const digest = merged.outputs.digest as string;

const mirror = await startCosignMirror(tb.cosign);
const install = { 'cosign-version': mirror.version, 'cosign-sha256': mirror.sha256, 'cosign-base-url': mirror.url };
const cosignHome = path.join(work, 'cosign-home');
let signEnv: Record<string, string> = { ...github, HOME: cosignHome, TUF_ROOT: path.join(cosignHome, '.sigstore') };
let signInputs: Record<string, string>;
let verifyInputs: Record<string, string>;
const closers: Array<() => Promise<void>> = [mirror.close];
if (keyless) {
  const oidc = await startOidcService({ claims: { repository: github.GITHUB_REPOSITORY, ref: github.GITHUB_REF } });
  const fulcio = await startFulcio({ issuers: [oidc] });
  closers.push(oidc.close, fulcio.close);
  signEnv = { ...signEnv, ...oidc.env, ...fulcio.env };
  signInputs = { 'fulcio-url': fulcio.url, 'tlog-upload': 'false' };
  verifyInputs = { repository: github.GITHUB_REPOSITORY, 'insecure-ignore-tlog': 'true' };
} else {
  const password = randomBytes(16).toString('hex');
  await promisify(execFile)(tb.cosign, ['generate-key-pair'], { cwd: work, env: { ...process.env, COSIGN_PASSWORD: password } });
  signInputs = { keyless: 'false', key: await readFile(path.join(work, 'cosign.key'), 'utf8'), 'key-password': password, 'tlog-upload': 'false' };
  verifyInputs = { key: path.join(work, 'cosign.pub'), 'insecure-ignore-tlog': 'true' };
}
try {
  show('sign-recursive', await runBundledAction('sign-recursive', { inputs: { images: image, digest, ...install, ...signInputs }, env: signEnv }));
  const verified = await runBundledAction('verify', { inputs: { image: `${image}:${version.replace(/^v/, '').replace(/\+/g, '-')}`, platforms: platforms.join(','), ...install, ...verifyInputs }, env: signEnv });
  show('verify', verified);
  console.log(`\n${bold('Released')} ${image}:${merged.outputs.tags?.split(',').join(`, ${image}:`)}`);
  console.log(`${bold('Index digest')} ${digest}`);
  console.log(`${bold('Verify')} ${verified.outputs.verified === 'true' ? 'passed' : 'FAILED'} for the index and ${platforms.length} platform manifests`);
} finally {
  await Promise.all(closers.map((c) => c()));
}
