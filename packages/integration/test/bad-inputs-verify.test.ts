// Bad inputs to the bundled verify, run the way the runner runs them. Every case must fail with an error that names
// the input and (where the action gives one) a "Fix:", and must leave the registry exactly as it was (the
// repository's tag list, no .sig tag for any of the sample's digests, the manifests the repository links).
// Inputs that smuggle shell syntax or options are never executed and never become flags (a marker file that a
// shell would create never exists). Bad inputs to sign-recursive: bad-inputs-sign-recursive.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBundledAction, testbed } from '@moam/testkit';
import { type Case, FIX, marker } from './support/bad-inputs.ts';
import { type Snapshot, expectRefused, image, sha, snapshot, startBadSigning, stopBadSigning } from './support/bad-inputs-signing.ts';
import { cosignEnv, install, publicKeyFile } from './support/signing-sample.ts';

const tb = testbed();

beforeAll(startBadSigning);
afterAll(stopBadSigning);

// ------------------------------------------------------------------ verify

function verifyInputs(over: Record<string, string>): Record<string, string> {
  return { image: `${image}:1.0.0`, repository: 'moam/app', 'insecure-ignore-tlog': 'true', ...install, ...over };
}

const VERIFY_CASES = (): readonly Case[] => [
  ['image: empty', { image: '' }, [/Input "image": is required but empty/, /Fix: set it, e\.g\. image: ghcr\.io\/owner\/app:1\.2\.3/]],
  ['image: upper-case repository path', { image: `${tb.registry}/Moam-It/App:1.0.0` }, [/Input "image": "localhost:5000\/Moam-It\/App" has upper-case letters in its repository path/, FIX]],
  ['image: a digest of the wrong length', { image: `${image}@${sha(63)}` }, [/Input "image": ".*@sha256:a{63}" has an invalid digest "sha256:a{63}"\. Fix: use name@sha256:<64 hex characters> or name:tag/]],
  ['image: a digest of another algorithm', { image: `${image}@md5:${'a'.repeat(32)}` }, [/Input "image": ".*@md5:a{32}" has an invalid digest/, FIX]],
  ['image: an invalid tag', { image: `${image}:.hidden` }, [/Input "image": ".*:\.hidden" has an invalid tag "\.hidden"/, FIX]],
  ['certificate-identity and certificate-identity-regexp both set', { 'certificate-identity': 'https://github.com/moam/app/.github/workflows/release.yml@refs/tags/v1.0.0', 'certificate-identity-regexp': '^https://github\\.com/moam/app/.+$' }, [/Input "certificate-identity-regexp": is set together with certificate-identity\. Fix: give only one of them/]],
  ['certificate-identity-regexp: a lookahead', { 'certificate-identity-regexp': '^https://github\\.com/moam/app/(?=\\.github).+$' }, [/Input "certificate-identity-regexp": ".*" uses a lookaround/, /Fix: Go's RE2 .* has no lookarounds or backreferences/]],
  ['certificate-identity-regexp: a negative lookbehind', { 'certificate-identity-regexp': '^https://github\\.com/(?<!evil)moam/app/.+$' }, [/Input "certificate-identity-regexp": ".*" uses a lookaround/, FIX]],
  ['certificate-identity-regexp: a backreference', { 'certificate-identity-regexp': '^https://github\\.com/(moam)/\\1/.+$' }, [/Input "certificate-identity-regexp": ".*" uses a backreference \(\\1\)/, FIX]],
  ['certificate-identity-regexp: ".*" matches anything', { 'certificate-identity-regexp': '.*' }, [/Input "certificate-identity-regexp": "\.\*" matches any identity\. Fix: name the repository and workflow/]],
  ['certificate-identity-regexp: "^https://.+$" matches anything', { 'certificate-identity-regexp': '^https://.+$' }, [/Input "certificate-identity-regexp": ".*" matches any identity/, FIX]],
  ['certificate-identity-regexp: does not compile', { 'certificate-identity-regexp': '^https://github\\.com/(moam$' }, [/Input "certificate-identity-regexp": ".*" does not compile/, FIX]],
  ['repository: owner without repo', { repository: 'owner' }, [/Input "repository": "owner" is not owner\/repo\. Fix: give the repository as owner\/repo, e\.g\. octo-org\/app/]],
  ['repository: a/b/c', { repository: 'a/b/c' }, [/Input "repository": "a\/b\/c" is not owner\/repo/, FIX]],
  ['repository: an owner starting with "-"', { repository: '-x/app' }, [/Input "repository": "-x\/app" has an invalid owner "-x"/, FIX]],
  ['workflow-repository: not owner/repo', { 'workflow-repository': 'just-one' }, [/Input "workflow-repository": "just-one" is not owner\/repo/, FIX]],
  ['workflow: outside .github/workflows', { workflow: '../release.yml' }, [/Input "workflow": "\.\.\/release\.yml" is not a workflow file under \.github\/workflows\//, FIX]],
  ['require-attestations: none together with a kind', { 'require-attestations': 'none,sbom' }, [/Input "require-attestations": "none,sbom" lists none together with sbom\. Fix: give none \(or leave it empty\)/]],
  ['exact-platforms: without platforms', { 'exact-platforms': 'true' }, [/Input "exact-platforms": is true but platforms is empty\. Fix: list the platforms/]],
  ['exact-platforms: not a boolean', { 'exact-platforms': 'strict', platforms: 'linux/amd64' }, [/Input "exact-platforms": "strict" is not a boolean/, FIX]],
  ['require-attestations: bogus', { 'require-attestations': 'provenance,bogus' }, [/Input "require-attestations": "bogus" is not an attestation kind\. Fix: list provenance and\/or sbom, or none/]],
  ['certificate-oidc-issuer: plain http', { 'certificate-oidc-issuer': 'http://token.actions.githubusercontent.com' }, [/Input "certificate-oidc-issuer": "http:\/\/token\.actions\.githubusercontent\.com" is not an https URL\. Fix: use https:\/\/token\.actions\.githubusercontent\.com/]],
  ['insecure-ignore-tlog: not a boolean', { 'insecure-ignore-tlog': 'sure' }, [/Input "insecure-ignore-tlog": "sure" is not a boolean/, FIX]],
  ['platforms: an unknown architecture', { platforms: 'linux/amd64,linux/sparc' }, [/Input "platforms": "linux\/sparc" has an unknown architecture "sparc"/, FIX]],
  ['cosign-version: "latest"', { 'cosign-version': 'latest' }, [/Input "cosign-version": "latest" is not an exact version/, FIX]],
  ['cosign-sha256: wrong length', { 'cosign-sha256': 'abcdef' }, [/Input "cosign-sha256": "abcdef" is not a SHA-256 digest \(needs exactly 64 hex characters, got 6\)/, FIX]],
  ['image: $(...)', { image: `${tb.registry}/moam-it/$(touch ${marker('verify-image-subst')}):1.0.0` }, [/Input "image": ".*\$\(touch .*\)" is not a valid image name/, FIX]],
  ['image: backticks', { image: `${tb.registry}/moam-it/\`touch ${marker('verify-image-ticks')}\`` }, [/Input "image": ".*`touch .*`/, FIX]],
  ['image: "--help"', { image: '--help' }, [/Input "image": "--help" starts with "-"; image names never do/, FIX]],
  ['image: a tag, a newline and a flag', { image: `${image}:1.0.0\n--key=/etc/passwd` }, [/Input "image": "localhost:5000\/.*:1\.0\.0\n--key=\/etc\/passwd" is not a valid image name/, FIX]],
  ['image: ";" and a command', { image: `${image}:1.0.0; touch ${marker('verify-image-semi')}` }, [/Input "image": ".*:1\.0\.0; touch .*" is not a valid image name/, FIX]],
  ['repository: $(...)', { repository: `moam/$(touch ${marker('verify-repo-subst')})` }, [/Input "repository": "moam\/\$\(touch .*\)" is not owner\/repo/, FIX]],
  ['repository: a second line with a flag', { repository: 'moam/app\n--certificate-identity-regexp=.*' }, [/Input "repository": "moam\/app\n--certificate-identity-regexp=\.\*" has an invalid repository name/, FIX]],
];

describe('bad inputs: verify', () => {
  let before: Snapshot;
  beforeAll(async () => {
    before = await snapshot();
  });

  it.each(VERIFY_CASES())('%s', async (_name, inputs, patterns) => {
    const run = await runBundledAction('verify', { inputs: verifyInputs(inputs), env: cosignEnv() });
    expectRefused(run, patterns);
    expect(run.outputs.verified ?? '').not.toBe('true');
    expect(await snapshot()).toEqual(before);
  });

  // Found by this test: the identity builder named a nonexistent input ("workflow-ref").
  it('ref-pattern: not a ref, named as ref-pattern', async () => {
    const run = await runBundledAction('verify', { inputs: verifyInputs({ 'ref-pattern': 'refs/tags/v1..2' }), env: cosignEnv() });
    expectRefused(run, [/Input "ref-pattern": "refs\/tags\/v1\.\.2" is not a valid git ref/, FIX]);
    expect(await snapshot()).toEqual(before);
  });

  // Found by this test: refused only after cosign was installed and the registry read, naming "cosign-key".
  it('key: "--help" is refused naming the key input', async () => {
    const run = await runBundledAction('verify', { inputs: verifyInputs({ key: '--help' }), env: cosignEnv() });
    expectRefused(run, [/Input "key": .*"--help" starts with "-"/, FIX]);
    expect(await snapshot()).toEqual(before);
  });

  // Found by this test: the identity was silently ignored next to a key.
  it('key together with certificate-identity is refused (key-based signatures carry no identity)', async () => {
    const run = await runBundledAction('verify', { inputs: verifyInputs({ key: publicKeyFile, 'certificate-identity': 'https://github.com/moam/app/.github/workflows/release.yml@refs/tags/v1.0.0' }), env: cosignEnv() });
    expectRefused(run, [/certificate-identity/, /key/, FIX]);
    expect(await snapshot()).toEqual(before);
  });
});
