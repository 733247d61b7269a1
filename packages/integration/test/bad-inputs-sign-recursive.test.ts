// Bad inputs to the bundled sign-recursive, run the way the runner runs them. Every case must fail with an error that
// names the input and (where the action gives one) a "Fix:", and must leave the registry exactly as it was (the
// repository's tag list, no .sig tag for any of the sample's digests, the manifests the repository links).
// Inputs that smuggle shell syntax or options are never executed and never become flags (a marker file that a
// shell would create never exists); values that do reach cosign reach it as plain values; secrets (the key password,
// the private key PEM, the OIDC token and the token request bearer) never appear in stdout, stderr, outputs or the
// summary, except in the runner's own ::add-mask:: commands, which the runner consumes.
// Bad inputs to verify: bad-inputs-verify.test.ts. Both build the sample once per file (support/bad-inputs-signing.ts).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionRun, runBundledAction, testbed } from '@moam/testkit';
import { ACCEPT, type Case, FIX, errorText, marker, markers, show, tempDir } from './support/bad-inputs.ts';
import { type Snapshot, expectRefused, image, sha, snapshot, startBadSigning, stopBadSigning } from './support/bad-inputs-signing.ts';
import { PASSWORD, cosignEnv, freshRepo, fulcio, index, install, mirror, oidc, privateKey, publicKeyFile } from './support/signing-sample.ts';

const tb = testbed();
const WRONG_PASSWORD = `wrong-${randomBytes(8).toString('hex')}`;

beforeAll(startBadSigning);
afterAll(stopBadSigning);

/** A copy of the sample in another repository (for the runs that do sign). */
async function copyRepo(prefix: string): Promise<{ repo: string; image: string }> {
  const to = await freshRepo(prefix);
  return { repo: to, image: `${tb.registry}/${to}` };
}

// ------------------------------------------------------------------ what every run must show

/** The values masked with ::add-mask:: (the runner consumes these lines; they never reach the log). */
const maskedValues = (run: ActionRun) => run.stdout.split('\n').filter((l) => l.startsWith('::add-mask::')).map((l) => l.slice('::add-mask::'.length).replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%'));

/** Fails if a secret (or any line of a multi-line one) appears anywhere the runner would show or keep. */
function expectNoSecrets(run: ActionRun, secrets: readonly string[]): void {
  const shown = run.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');
  const pieces = secrets.flatMap((s) => [s, ...s.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----'))]);
  for (const [where, text] of [['stdout', shown], ['stderr', run.stderr], ['outputs', JSON.stringify(run.outputs)], ['summary', run.summary]] as const) {
    for (const p of pieces) expect(text.includes(p), `${where} shows a secret (${p.slice(0, 12)}…)`).toBe(false);
  }
}

const keySecrets = () => [PASSWORD, WRONG_PASSWORD, privateKey];

// ------------------------------------------------------------------ sign-recursive

function signInputs(over: Record<string, string>): Record<string, string> {
  return { images: image, digest: index, keyless: 'false', key: privateKey, 'key-password': PASSWORD, 'tlog-upload': 'false', ...install, ...over };
}

/** The case tables are built before beforeAll has merged the sample: this stands for its index digest. */
const INDEX = '@INDEX@';
const withIndex = (inputs: Record<string, string>) => Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.split(INDEX).join(index)]));

const SIGN_CASES = (): readonly Case[] => [
  ['images: empty', { images: '' }, [/Input "images": is required but empty/, /Fix: set it, e\.g\. images: ghcr\.io\/owner\/app/]],
  ['images: only a comment', { images: '# none' }, [/Input "images": is empty/, FIX]],
  ['images: upper-case repository path', { images: `${tb.registry}/Moam-It/App` }, [/Input "images": "localhost:5000\/Moam-It\/App" has upper-case letters in its repository path/, /Fix: give an image name without tag or digest, lower-case/]],
  ['images: a tagged name', { images: `${image}:1.0.0` }, [/Input "images": ".*:1\.0\.0" carries a tag/, FIX]],
  ['images: a name with a digest', { images: `${image}@${INDEX}` }, [/Input "images": ".*@sha256:[0-9a-f]{64}" carries a digest/, FIX]],
  ['digest: empty', { digest: '' }, [/Input "digest": is required but empty/, /Fix: set it, e\.g\. digest: sha256:<64 hex>/]],
  ['digest: a tag', { digest: '1.0.0' }, [/Input "digest": "1\.0\.0" looks like a tag; signing is by digest only/, /Fix: pass the index digest/]],
  ['digest: "latest"', { digest: 'latest' }, [/Input "digest": "latest" looks like a tag/, FIX]],
  ['digest: 63 hex characters', { digest: sha(63) }, [/Input "digest": "sha256:a{63}" is not a sha256 digest \(needs exactly 64 lower-case hex characters after "sha256:", got 63\)/, /Fix: give a digest such as sha256:<64 hex characters>/]],
  ['digest: 65 hex characters', { digest: sha(65) }, [/Input "digest": "sha256:a{65}" is not a sha256 digest \(.*got 65\)/, FIX]],
  ['digest: not hex', { digest: sha(64, 'z') }, [/Input "digest": "sha256:z{64}" is not a sha256 digest/, FIX]],
  ['digest: another algorithm (md5)', { digest: `md5:${'a'.repeat(32)}` }, [/Input "digest": "md5:a{32}" uses an unsupported digest algorithm/, FIX]],
  ['digest: a full reference instead of a digest', { digest: `${image}@${INDEX}` }, [/Input "digest": "localhost:5000\/.*@sha256:[0-9a-f]{64}"/, FIX]],
  ['keyless: true together with a key', { keyless: 'true' }, [/Input "key": is set while keyless is true; these conflict\. Fix: set keyless: false to sign with the key, or remove key/]],
  ['keyless: false without a key', { key: '' }, [/Input "key": keyless is false but no key is given\. Fix: set key \(and key-password\) or keyless: true/]],
  ['keyless: not a boolean', { keyless: 'maybe' }, [/Input "keyless": "maybe" is not a boolean\. Fix: use true or false/]],
  ['key-password: wrong', { 'key-password': WRONG_PASSWORD }, [/Input "key": cosign cannot read the key \(.+\)\. Fix: give the PEM private key from cosign generate-key-pair .* and its key-password/]],
  ['key: a PEM block that is not a key', { key: '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nbm90IGEga2V5\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----' }, [/Input "key": cosign cannot read the key/, FIX]],
  ['key: a path that does not exist', { key: '/nonexistent/cosign.key' }, [/Input "key": cosign cannot read the key \(.*\/nonexistent\/cosign\.key.*\)/, FIX]],
  ['signature-format: bogus', { 'signature-format': 'bogus' }, [/Input "signature-format": "bogus" is not a signature format\. Fix: use legacy .* or bundle/]],
  ['signature-format: bundle with cosign 2.5.0', { 'signature-format': 'bundle' }, [/Input "signature-format": bundle signatures need cosign 3, but cosign-version is 2\.5\.0\. Fix: set cosign-version to a 3\.x release, or use signature-format: legacy/]],
  ['recursive: not a boolean', { recursive: 'yes' }, [/Input "recursive": "yes" is not a boolean/, FIX]],
  ['tlog-upload: not a boolean', { 'tlog-upload': 'off' }, [/Input "tlog-upload": "off" is not a boolean/, FIX]],
  ['fulcio-url: not a URL', { 'fulcio-url': 'fulcio.internal' }, [/Input "fulcio-url": "fulcio\.internal" is not an http\(s\) URL\. Fix: give the base URL of your Sigstore service/]],
  ['fulcio-url: another scheme', { 'fulcio-url': 'ftp://fulcio.internal' }, [/Input "fulcio-url": "ftp:\/\/fulcio\.internal" is not an http\(s\) URL/, FIX]],
  ['rekor-url: a javascript: URL', { 'rekor-url': 'javascript:alert(1)' }, [/Input "rekor-url": "javascript:alert\(1\)" is not an http\(s\) URL/, FIX]],
  ['annotations: not KEY=VALUE', { annotations: 'org.example.note' }, [/Input "annotations": "org\.example\.note" is not KEY=VALUE\. Fix: give one KEY=VALUE per line/]],
  ['cosign-version: "latest"', { 'cosign-version': 'latest' }, [/Input "cosign-version": "latest" is not an exact version/, /Fix: give a released cosign version such as/]],
  ['cosign-version: a range', { 'cosign-version': '^2.5' }, [/Input "cosign-version": "\^2\.5" is not an exact version/, FIX]],
  ['cosign-version: cosign 1.x', { 'cosign-version': '1.13.1' }, [/Input "cosign-version": cosign 1\.13\.1 is too old/, /Fix: use cosign 2\.x or 3\.x/]],
  ['cosign-version: not a version', { 'cosign-version': 'two-point-five' }, [/Input "cosign-version": "two-point-five" is not a version/, FIX]],
  ['cosign-version: a release the mirror does not have', { 'cosign-version': '2.9.9' }, [/cosign 2\.9\.9 \(cosign-linux-amd64\) not found at http:\/\/127\.0\.0\.1:\d+\/v2\.9\.9\/cosign-linux-amd64 \(HTTP 404\): check that cosign-version names a published release/]],
  ['cosign-sha256: too short', { 'cosign-sha256': 'abc123' }, [/Input "cosign-sha256": "abc123" is not a SHA-256 digest \(needs exactly 64 hex characters, got 6\)/, FIX]],
  ['cosign-sha256: 63 characters', { 'cosign-sha256': 'f'.repeat(63) }, [/Input "cosign-sha256": "f{63}" is not a SHA-256 digest \(needs exactly 64 hex characters, got 63\)/, FIX]],
  ['cosign-base-url: a file: URL', { 'cosign-base-url': 'file:///etc' }, [/Input "cosign-base-url": "file:\/\/\/etc" is not an http\(s\) URL\. Fix: use https:\/\/github\.com\/sigstore\/cosign\/releases\/download or your mirror's URL/]],
  ['several problems at once are all reported', { images: `${tb.registry}/UPPER/x`, digest: 'latest', 'signature-format': 'zip' }, [/invalid inputs \(3 problems\)/, /Input "images"/, /Input "digest"/, /Input "signature-format"/]],
];

/** Shell syntax and option smuggling: refused before anything runs, never a flag. */
const SIGN_SMUGGLE_CASES = (): readonly Case[] => [
  ['images: $(...)', { images: `${tb.registry}/moam-it/$(touch ${marker('images-subst')})` }, [/Input "images": ".*\$\(touch .*\)" is not a valid image name/, FIX]],
  ['images: backticks', { images: `${tb.registry}/moam-it/\`touch ${marker('images-ticks')}\`` }, [/Input "images": ".*`touch .*`" is not a valid image name/, FIX]],
  ['images: ";" and a command', { images: `${image}; touch ${marker('images-semi')}` }, [/Input "images": ".*; touch .*" is not a valid image name/, FIX]],
  ['images: "--help"', { images: '--help' }, [/Input "images": "--help" starts with "-"; image names never do/, FIX]],
  ['images: a second line with a flag', { images: `${image}\n--allow-insecure-registry` }, [/Input "images": "--allow-insecure-registry" starts with "-"/]],
  ['digest: $(...)', { digest: `$(touch ${marker('digest-subst')})` }, [/Input "digest": "\$\(touch .*\)" is not a digest/, FIX]],
  ['digest: backticks', { digest: `\`touch ${marker('digest-ticks')}\`` }, [/Input "digest": "`touch .*`" is not a digest/, FIX]],
  ['digest: a digest, ";" and a command', { digest: `${INDEX}; touch ${marker('digest-semi')}` }, [/Input "digest": "sha256:[0-9a-f]{64}; touch .*" is not a sha256 digest/, FIX]],
  ['digest: a digest and a flag on the next line', { digest: `${INDEX}\n--recursive=false` }, [/Input "digest": "sha256:[0-9a-f]{64}\n--recursive=false" is not a sha256 digest/, FIX]],
  ['digest: "--help"', { digest: '--help' }, [/Input "digest": "--help" is not a digest/, FIX]],
  ['key: "--help" (never a flag)', { key: '--help' }, [/Input "key": "--help" starts with "-"/, FIX]],
  ['key: $(...)', { key: `$(touch ${marker('key-subst')})` }, [/Input "key": cosign cannot read the key/, FIX]],
  ['key-password: $(...) (a wrong password, never run)', { 'key-password': `$(touch ${marker('password-subst')})` }, [/Input "key": cosign cannot read the key/, FIX]],
  ['annotations: a key "--upload"', { annotations: '--upload=false' }, [/Input "annotations": key "--upload" starts with "-"\. Fix: keys never start with "-"/]],
  ['annotations: a second line with a flag', { annotations: 'org.example.a=1\n--tlog-upload=true' }, [/Input "annotations": key "--tlog-upload" starts with "-"/]],
  ['fulcio-url: $(...)', { 'fulcio-url': `http://$(touch ${marker('fulcio-subst')})` }, [/Input "fulcio-url": "http:\/\/\$\(touch .*\)" is not an http\(s\) URL/]],
  ['cosign-version: ";" and a command', { 'cosign-version': `2.5.0; touch ${marker('version-semi')}` }, [/Input "cosign-version": "2\.5\.0; touch .*" is not a version/, FIX]],
];

describe('bad inputs: sign-recursive', () => {
  let before: Snapshot;
  beforeAll(async () => {
    before = await snapshot();
    expect(before.tags).toEqual(['1', '1.0', '1.0.0', 'latest']);
    expect(Object.values(before.sigHeads).every((s) => s === 404)).toBe(true);
  });

  it.each([...SIGN_CASES(), ...SIGN_SMUGGLE_CASES()])('%s', async (_name, inputs, patterns) => {
    const run = await runBundledAction('sign-recursive', { inputs: signInputs(withIndex(inputs)), env: cosignEnv() });
    expectRefused(run, patterns);
    expectNoSecrets(run, keySecrets());
    expect(await snapshot()).toEqual(before);
  });

  it('a wrong key password, a PEM key and the key path never become flags: the key goes in one --key=… argument, the password only in the environment', async () => {
    const run = await runBundledAction('sign-recursive', { inputs: signInputs({ key: '/nonexistent/cosign.key', 'key-password': '--password' }), env: cosignEnv() });
    expectRefused(run, [/Input "key": cosign cannot read the key/]);
    expect(run.stdout).toMatch(/^\[command\] \S*cosign sign --yes .*--key=\/nonexistent\/cosign\.key .*-- \S+$/m);
    // The password is masked (::add-mask::, consumed by the runner) and shows nowhere else, not even as an argument.
    expect(maskedValues(run)).toContain('--password');
    expectNoSecrets(run, ['--password']);
    expect(await snapshot()).toEqual(before);
  });

  it('a cosign-sha256 that does not match the download: refused, the file deleted, nothing cached', async () => {
    const cache = await tempDir('toolcache');
    const temp = await tempDir('runnertemp');
    const run = await runBundledAction('sign-recursive', { inputs: signInputs({ 'cosign-sha256': 'f'.repeat(64) }), env: cosignEnv({ RUNNER_TOOL_CACHE: cache, RUNNER_TEMP: temp }) });
    expectRefused(run, [
      new RegExp(`refusing the cosign binary downloaded from http://127\\.0\\.0\\.1:\\d+/v2\\.5\\.0/cosign-linux-amd64: its SHA-256 is ${mirror.sha256}, but the cosign-sha256 input expects f{64}\\. The file was deleted and nothing was cached or run\\. Check cosign-sha256`),
    ]);
    expect(await readdir(cache)).toEqual([]);
    expect(await readdir(temp)).toEqual([]);
    expect(run.stdout).not.toMatch(/\[command\]/);
    expect(await snapshot()).toEqual(before);
  });

  // Found by this test: a dead fulcio-url was retried 4 times as registry trouble and never named. Now a Fulcio
  // failure is classified apart from the registry (sign/failures.ts) and a permanent one names fulcio-url.
  it('keyless with a fulcio-url nobody answers on: fails naming fulcio-url, without retrying', async () => {
    const started = Date.now();
    const run = await runBundledAction('sign-recursive', {
      inputs: { images: image, digest: index, 'tlog-upload': 'false', 'fulcio-url': 'http://127.0.0.1:1', ...install },
      env: cosignEnv(oidc.env),
    });
    expect(await snapshot()).toEqual(before);
    expectRefused(run, [/127\.0\.0\.1:1/]);
    expect(run.stdout).not.toMatch(/transient registry failure/);
    expect(errorText(run)).toMatch(/fulcio-url/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('keyless without id-token: write (no token request URL): refused naming keyless, with a fix', async () => {
    const run = await runBundledAction('sign-recursive', {
      inputs: { images: image, digest: index, 'tlog-upload': 'false', 'fulcio-url': fulcio.url, ...install },
      env: cosignEnv({ ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' }),
    });
    expectRefused(run, [/Input "keyless": no GitHub OIDC token can be requested: the job lacks the id-token: write permission/, /Fix: add "permissions: id-token: write"/]);
    expect(await snapshot()).toEqual(before);
  });
});

// ------------------------------------------------------------------ values that do reach the tools

describe('values with shell syntax reach cosign as plain values, and secrets stay hidden, when signing succeeds', () => {
  it('key-based: annotations with $(...), backticks and ";" are signed verbatim; the password and the key never show', async () => {
    const copy = await copyRepo('bad-sv-key');
    const annotations = [`org.example.a=$(touch ${marker('annotation-subst')})`, `org.example.b=\`touch ${marker('annotation-ticks')}\``, `org.example.c=x; touch ${marker('annotation-semi')}`, 'org.example.d=--recursive'];
    const run = await runBundledAction('sign-recursive', { inputs: signInputs({ images: copy.image, annotations: annotations.join('\n') }), env: cosignEnv() });
    expect(run.exitCode, show(run)).toBe(0);
    // Each annotation is one "-a" argument; the argv is never parsed by a shell.
    expect(run.stdout).toMatch(/ -a 'org\.example\.a=\$\(touch [^']*\)' -a 'org\.example\.b=`touch [^']*`' -a 'org\.example\.c=x; touch [^']*' -a org\.example\.d=--recursive -- /);
    for (const m of markers) expect(existsSync(m), m).toBe(false);

    // The signed payload carries them verbatim.
    const sig = await fetch(`http://${tb.registry}/v2/${copy.repo}/manifests/${index.replace(':', '-')}.sig`, { headers: { accept: ACCEPT } });
    const layer = ((await sig.json()) as { layers: Array<{ digest: string }> }).layers;
    expect(layer).toHaveLength(1);
    const payload = JSON.parse(await (await fetch(`http://${tb.registry}/v2/${copy.repo}/blobs/${layer[0]?.digest}`)).text()) as { optional: Record<string, string> };
    expect(payload.optional).toMatchObject(Object.fromEntries(annotations.map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)])));

    // Secrets: only in the ::add-mask:: commands.
    expect(maskedValues(run)).toEqual(expect.arrayContaining([PASSWORD, privateKey.trimEnd()]));
    expectNoSecrets(run, [PASSWORD, privateKey]);
    // The signing used our key: verify with its public key.
    const verified = await runBundledAction('verify', { inputs: { image: `${copy.image}:1.0.0`, key: publicKeyFile, 'insecure-ignore-tlog': 'true', ...install }, env: cosignEnv() });
    expect(verified.exitCode, show(verified)).toBe(0);
    // The public key as PEM content (the input takes content or a path) verifies the same.
    const pem = await readFile(publicKeyFile, 'utf8');
    const verifiedPem = await runBundledAction('verify', { inputs: { image: `${copy.image}:1.0.0`, key: pem, 'insecure-ignore-tlog': 'true', ...install }, env: cosignEnv() });
    expect(verifiedPem.exitCode, show(verifiedPem)).toBe(0);
    // The repository of the bad-input cases is untouched.
    expect((await snapshot()).tags).toEqual(['1', '1.0', '1.0.0', 'latest']);
  });

  it('keyless: neither the OIDC token nor the token-request bearer ever shows', async () => {
    const copy = await copyRepo('bad-sv-keyless');
    const run = await runBundledAction('sign-recursive', { inputs: { images: copy.image, digest: index, 'tlog-upload': 'false', 'fulcio-url': fulcio.url, ...install }, env: cosignEnv(oidc.env) });
    expect(run.exitCode, show(run)).toBe(0);
    const tokens = maskedValues(run).filter((v) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(v));
    expect(tokens.length).toBeGreaterThanOrEqual(1);
    for (const t of tokens) expect(JSON.parse(Buffer.from(t.split('.')[1] as string, 'base64url').toString('utf8'))).toMatchObject({ repository: 'moam/app', aud: 'sigstore' });
    expectNoSecrets(run, [...tokens, oidc.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN]);
    // Only the token file's path reaches cosign's argv.
    expect(run.stdout).toMatch(/--identity-token=\/\S+\/oidc-token /);
  });

  // Found by this test: cosign's -a splits on every "=" (and ","), and refused the value late, naming no input.
  it('annotations: a value with "=" is refused while reading the inputs, naming annotations', async () => {
    const before = await snapshot();
    const run = await runBundledAction('sign-recursive', { inputs: signInputs({ annotations: 'org.example.url=https://example.com/?a=b' }), env: cosignEnv() });
    expect(await snapshot()).toEqual(before);
    expectRefused(run, [/Input "annotations": .*org\.example\.url/, FIX]);
    expect(run.stdout).not.toMatch(/\[command\]/);
  });

  it('an invalid input next to a key and its password echoes neither', async () => {
    const run = await runBundledAction('sign-recursive', { inputs: signInputs({ digest: 'latest', annotations: 'nope' }), env: cosignEnv() });
    expectRefused(run, [/Input "digest"/, /Input "annotations"/]);
    expectNoSecrets(run, keySecrets());
  });
});
