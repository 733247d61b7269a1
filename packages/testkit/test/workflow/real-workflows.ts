// A scratch copy of the real .github/workflows (never the real files) with fake versions of our four actions:
// the REAL action.yml (so inputs/outputs follow the real contract) and a tiny dist/index.js that does what the
// workflow relies on (outputs, a digest hand-off through a directory, an OIDC token for sign), without Docker.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../../src/run-action.ts';
import { dockerLogin, type StepMap } from '../../src/workflow/index.ts';
import { scratchRepo } from './helpers.ts';

export const OWN_REPOSITORY = 'moam-project/multi-arch-of-madness';

const PRELUDE = `const fs = require('node:fs');
const path = require('node:path');
const input = (n) => process.env['INPUT_' + n.replace(/ /g, '_').toUpperCase()] ?? '';
const output = (k, v) => fs.appendFileSync(process.env.GITHUB_OUTPUT, k + '=' + v + '\\n');
const fail = (m) => { console.log('::error::' + m); process.exit(1); };
const handoff = process.env.FAKE_HANDOFF_DIR || fail('FAKE_HANDOFF_DIR is not set');
const file = (p) => path.join(handoff, p.replace(/\\//g, '-'));
`;

const FAKES: Record<string, string> = {
  plan: `
const platforms = (input('platforms') || 'linux/amd64,linux/arm64').split(',').filter(Boolean);
const runners = JSON.parse(input('runners'));
const missing = platforms.filter((p) => !runners[p]);
if (missing.length) fail('no runner for ' + missing.join(', '));
const images = input('images') || 'ghcr.io/' + process.env.GITHUB_REPOSITORY.toLowerCase();
output('include', JSON.stringify(platforms.map((platform) => ({ platform, runner: runners[platform] }))));
output('images', images); output('image', images.split(',')[0]); output('platforms', platforms.join(','));
output('artifact-prefix', 'digests-fake'); output('concurrency-group', 'moam-release-fake');`,
  'build-by-digest': `
const images = input('images'), platform = input('platform');
if (!images) fail('images is empty');
if (!/^[a-z0-9]+\\/[a-z0-9]+/.test(platform)) fail('platform "' + platform + '" is not a platform');
const digest = 'sha256:' + require('node:crypto').createHash('sha256').update(platform).digest('hex');
fs.writeFileSync(file(platform), digest);
output('digest', digest); output('platform', platform); output('images', images);
console.log('built ' + platform + ' ' + digest);`,
  'merge-manifest': `
const platforms = input('platforms').split(',').filter(Boolean);
if (!input('images')) fail('images is empty');
if (platforms.length === 0) fail('platforms is empty');
const missing = platforms.filter((p) => !fs.existsSync(file(p)));
if (missing.length) fail('no digest for ' + missing.join(', ') + ': the set of platforms is incomplete');
const version = input('version') || process.env.GITHUB_REF_NAME.slice(input('tag-prefix').length).replace(/^v/, '');
output('digest', 'sha256:' + 'd'.repeat(64)); output('version', version); output('tags', version); output('platforms', platforms.join(','));`,
  'sign-recursive': `
(async () => {
  if (!input('digest').startsWith('sha256:')) fail('digest "' + input('digest') + '" is not a digest');
  const url = process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
  if (!url) fail('no ACTIONS_ID_TOKEN_REQUEST_URL: does the job have id-token: write?');
  const res = await fetch(url + '&audience=sigstore', { headers: { authorization: 'Bearer ' + process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN } });
  if (!res.ok) fail('token request: HTTP ' + res.status);
  const token = (await res.json()).value;
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
  fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, JSON.stringify(claims));
  output('signed', input('images') + '@' + input('digest'));
  output('signer-identity', 'https://github.com/' + claims.job_workflow_ref); output('signer-issuer', claims.iss);
})();`,
  verify: `
if (!/@sha256:[0-9a-f]{64}$/.test(input('image'))) fail('image "' + input('image') + '" has no digest');
if (process.env.ACTIONS_ID_TOKEN_REQUEST_URL) fail('verify must not get an OIDC token');
if (!input('certificate-identity').endsWith('/.github/workflows/multi-arch.yml@' + process.env.GITHUB_REF)) fail('certificate-identity "' + input('certificate-identity') + '" is not the signer of this run');
if (input('source-ref') !== process.env.GITHUB_REF) fail('source-ref "' + input('source-ref') + '" is not ' + process.env.GITHUB_REF);
output('digest', input('image').split('@')[1]); output('verified', 'true');`,
};

/** The scratch repository; `edit` changes a workflow's text (it must change it: a no-op edit fails the test). */
export async function realWorkflowsRepo(edit: Record<string, (text: string) => string> = {}): Promise<{ root: string; handoff: string }> {
  const root = await scratchRepo({});
  for (const wf of ['release.yml', 'multi-arch.yml']) {
    const rel = `.github/workflows/${wf}`;
    let text = await readFile(path.join(repoRoot, rel), 'utf8');
    const change = edit[wf];
    if (change) {
      const changed = change(text);
      if (changed === text) throw new Error(`the edit of ${wf} changed nothing: has the real workflow changed?`);
      text = changed;
    }
    await mkdir(path.join(root, '.github/workflows'), { recursive: true });
    await writeFile(path.join(root, rel), text);
  }
  for (const [name, js] of Object.entries(FAKES)) {
    await mkdir(path.join(root, 'actions', name, 'dist'), { recursive: true });
    await copyFile(path.join(repoRoot, 'actions', name, 'action.yml'), path.join(root, 'actions', name, 'action.yml'));
    await writeFile(path.join(root, 'actions', name, 'dist', 'index.js'), PRELUDE + js);
  }
  const handoff = path.join(root, '.handoff');
  await mkdir(handoff);
  return { root, handoff };
}

/** The third-party rows a run of the real workflows needs ($/actions/<name> are the fakes of the scratch root). */
export function stepMapFor(_root: string): StepMap {
  return { 'docker/login-action': dockerLogin({ noLogin: ['ghcr.io'] }) };
}

/** Replaces exactly one occurrence (fails if the pattern is not there exactly once). */
export function replaceOnce(text: string, from: string, to: string): string {
  const n = text.split(from).length - 1;
  if (n !== 1) throw new Error(`expected "${from}" exactly once in the workflow, found it ${n} times`);
  return text.replace(from, to);
}
