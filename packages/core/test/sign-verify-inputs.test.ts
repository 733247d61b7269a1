import { describe, expect, it } from 'vitest';
import { readSignInputs } from '../src/sign/inputs.ts';
import { readVerifyInputs } from '../src/verify/inputs.ts';

const D = `sha256:${'c'.repeat(64)}`;
const reader = (values: Record<string, string>) => (k: string) => values[k] ?? '';
const sign = (over: Record<string, string>) => () => readSignInputs(reader({ images: 'localhost:5000/o/app', digest: D, keyless: 'false', key: '/k/cosign.key', ...over }));
const verify = (over: Record<string, string>) => () => readVerifyInputs(reader({ image: 'localhost:5000/o/app:1.0.0', repository: 'o/app', ...over }), {});

describe('sign-recursive inputs refused before anything runs', () => {
  it.each<[string, Record<string, string>, RegExp]>([
    ['an annotation value with "="', { annotations: 'org.example.url=https://example.com/?a=b' }, /Input "annotations": "org\.example\.url=https:\/\/example\.com\/\?a=b" has "=" or ","/],
    ['an annotation value with ","', { annotations: 'org.example.list=a,b' }, /Input "annotations": "org\.example\.list=a,b" has "=" or ","/],
    ['a full image reference as digest', { digest: `localhost:5000/o/app@${D}` }, /Input "digest": ".*@sha256:c{64}" is an image reference, not a digest\. Fix: give only the digest after "@" \(sha256:c{64}\)/],
    ['bundle signatures with cosign 2', { 'signature-format': 'bundle', 'cosign-version': '2.5.0' }, /Input "signature-format": bundle signatures need cosign 3, but cosign-version is 2\.5\.0/],
    ['cosign-version "latest", reported with the others', { 'cosign-version': 'latest', annotations: 'nope' }, /Input "cosign-version": "latest" is not an exact version[\s\S]*Input "annotations"|Input "annotations"[\s\S]*Input "cosign-version": "latest"/],
    ['a cosign-sha256 of the wrong length', { 'cosign-sha256': 'abc' }, /Input "cosign-sha256"/],
    // Checks that used to wait for the argv builder (cosign/args.ts), which now trusts the reader:
    ['a cosign-version whose flags are unknown', { 'cosign-version': '4.0.0' }, /Input "cosign-version": cosign 4\.0\.0 is not supported by this release \(supported: 2\.x, 3\.x\)\. Fix: set cosign-version to a 2\.x or 3\.x release/],
    ['bundle signatures without the transparency log', { 'signature-format': 'bundle', 'tlog-upload': 'false' }, /Input "tlog-upload": is false, but cosign refuses --tlog-upload=false for bundle signatures .*\. Fix: use signature-format: legacy to sign without the transparency log, or set tlog-upload: true/],
    ['an annotation key with whitespace', { annotations: 'org.example run=7' }, /Input "annotations": key "org\.example run" has whitespace\. Fix: give one KEY=VALUE per line/],
    ['a fulcio-url without a usable host', { 'fulcio-url': 'https://[' }, /Input "fulcio-url": "https:\/\/\[" is not a URL .*\. Fix: give the base URL of your Fulcio, e\.g\. https:\/\/fulcio\.example\.com/],
    ['a rekor-url with a malformed port', { 'rekor-url': 'http://rekor:80:80' }, /Input "rekor-url": "http:\/\/rekor:80:80" is not a URL .*\. Fix: give the base URL of your Rekor/],
  ])('%s', (_name, over, message) => {
    expect(sign(over)).toThrow(message);
  });

  it('annotations with shell syntax but one "=" and no "," are kept verbatim', () => {
    expect(sign({ annotations: 'org.a=$(id)\norg.b=x; y' })().annotations).toEqual([['org.a', '$(id)'], ['org.b', 'x; y']]);
  });

  it('a private key given as PEM content is accepted, and never echoed', () => {
    const pem = '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nsecret\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n';
    expect(sign({ key: pem })().key).toBe(pem);
    expect(() => sign({ key: pem, digest: 'latest' })()).toThrow(/^(?![\s\S]*secret)/);
  });

  it('bundle with the default cosign (3.x) is accepted', () => {
    expect(sign({ 'signature-format': 'bundle' })().signatureFormat).toBe('bundle');
  });
});

describe('verify inputs refused before anything runs', () => {
  it.each<[string, Record<string, string>, RegExp]>([
    ['a key that looks like a flag', { key: '--help' }, /Input "key": "--help" starts with "-"/],
    ['key with certificate-identity', { key: '/k/cosign.pub', 'certificate-identity': 'https://github.com/o/app/.github/workflows/release.yml@refs/tags/v1' }, /Input "certificate-identity": is set together with key.*Fix: remove certificate-identity to verify with the key, or remove key/],
    ['key with certificate-identity-regexp', { key: '/k/cosign.pub', 'certificate-identity-regexp': '^https://github\\.com/o/app/.+$' }, /Input "certificate-identity-regexp": is set together with key/],
    ['key with a ref-pattern other than the default', { key: '/k/cosign.pub', 'ref-pattern': 'branches' }, /Input "ref-pattern": is set together with key/],
    ['key with an issuer other than the default', { key: '/k/cosign.pub', 'certificate-oidc-issuer': 'https://issuer.example' }, /Input "certificate-oidc-issuer": is set together with key/],
    ['a ref-pattern that is not a ref, named as ref-pattern', { 'ref-pattern': 'refs/tags/v1..2' }, /Input "ref-pattern": "refs\/tags\/v1\.\.2" is not a valid git ref/],
    ['none together with a kind', { 'require-attestations': 'none,sbom' }, /Input "require-attestations": "none,sbom" lists none together with sbom/],
    ['a source-ref that is not a full ref', { 'source-ref': 'v1.2.3' }, /Input "source-ref": "v1\.2\.3" is not a full git ref\. Fix: give the ref the release was triggered on, e\.g\. refs\/tags\/v1\.2\.3/],
    ['a trigger that is not an event name', { trigger: 'push; rm -rf /' }, /Input "trigger": "push; rm -rf \/" is not an event name/],
    ['source-ref next to a key', { key: '/k/cosign.pub', 'source-ref': 'refs/tags/v1' }, /Input "source-ref": is set together with key/],
    ['a fulcio-root that is neither PEM nor a file', { 'fulcio-root': '/nonexistent/root.pem' }, /Input "fulcio-root": "\/nonexistent\/root\.pem" is neither PEM content nor a file that exists/],
    ['a rekor-url that is not a URL', { 'rekor-url': 'rekor.internal' }, /Input "rekor-url": "rekor\.internal" is not an http\(s\) URL/],
    ['exact-platforms without platforms', { 'exact-platforms': 'true' }, /Input "exact-platforms": is true but platforms is empty/],
    ['a cosign-version whose flags are unknown', { 'cosign-version': 'v4.1.0' }, /Input "cosign-version": cosign 4\.1\.0 is not supported by this release .*Fix: set cosign-version to a 2\.x or 3\.x release/],
    ['a rekor-url without a usable host', { 'rekor-url': 'https://%' }, /Input "rekor-url": "https:\/\/%" is not a URL .*\. Fix: give the base URL of your Rekor/],
  ])('%s', (_name, over, message) => {
    expect(verify(over)).toThrow(message);
  });

  // action.yml documents "empty or none for none"; the runner passes the default (provenance,sbom) only when unset.
  it.each<[string, string[]]>([
    ['', []],
    ['none', []],
    ['provenance,sbom', ['provenance', 'sbom']],
    ['sbom\nsbom', ['sbom']],
  ])('require-attestations %j means %j', (value, kinds) => {
    expect(verify({ 'require-attestations': value })().requireAttestations).toEqual(kinds);
  });

  it('source ref, trigger and private Sigstore trust material are read for keyless verification', () => {
    const pem = '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n';
    const v = verify({ 'source-ref': 'refs/tags/v1.2.3', trigger: 'push', 'rekor-url': 'https://rekor.internal', 'rekor-public-key': pem })();
    expect(v).toMatchObject({ sourceRef: 'refs/tags/v1.2.3', trigger: 'push', trust: { rekorUrl: 'https://rekor.internal', rekorPublicKey: pem } });
  });

  it('a ref-pattern of any, sha:<sha> or a bare SHA accepts a signer pinned by SHA', () => {
    const sha = 'c0ffee'.repeat(6) + 'c0ff';
    expect(verify({ 'ref-pattern': 'any' })().identityRegexp).toMatch(/\[0-9a-f\]\{40\}/);
    expect(verify({ 'ref-pattern': `sha:${sha}` })().identityRegexp?.endsWith(`@${sha}$`)).toBe(true);
  });

  it('an exact identity next to workflow-repository must be that workflow at an accepted ref (the reusable workflow\'s verify job)', () => {
    const ours = { 'workflow-repository': 'moam-project/multi-arch-of-madness', workflow: '.github/workflows/multi-arch.yml', 'ref-pattern': 'any' };
    const sha = 'f'.repeat(40);
    expect(verify({ ...ours, 'certificate-identity': `https://github.com/moam-project/multi-arch-of-madness/.github/workflows/multi-arch.yml@${sha}` })().identity).toMatch(/@f{40}$/);
    expect(verify({ ...ours, 'certificate-identity': 'https://github.com/moam-project/multi-arch-of-madness/.github/workflows/multi-arch.yml@refs/tags/v1' })().identity).toMatch(/@refs\/tags\/v1$/);
    expect(verify({ ...ours, 'certificate-identity': 'https://github.com/o/app/.github/workflows/release.yml@refs/tags/v1' })).toThrow(/Input "certificate-identity": ".*release\.yml@refs\/tags\/v1" is not \.github\/workflows\/multi-arch\.yml of moam-project\/multi-arch-of-madness at a ref that ref-pattern any accepts/);
    expect(verify({ ...ours, 'ref-pattern': 'tags', 'certificate-identity': `https://github.com/moam-project/multi-arch-of-madness/.github/workflows/multi-arch.yml@${sha}` })).toThrow(/ref-pattern tags accepts/);
  });

  it('platforms are a lower bound unless exact-platforms is true', () => {
    expect(verify({ platforms: 'linux/amd64' })().exactPlatforms).toBe(false);
    expect(verify({ platforms: 'linux/amd64', 'exact-platforms': 'true' })().exactPlatforms).toBe(true);
  });

  it('a public key given as PEM content is not mistaken for a flag', () => {
    const pem = '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n';
    expect(verify({ key: pem })().key).toBe(pem);
  });

  it('a key alone (the repository from the environment is not an identity input) is accepted, also with the defaults the runner fills in', () => {
    expect(verify({ key: '/k/cosign.pub' })().key).toBe('/k/cosign.pub');
    const runnerDefaults = { 'certificate-oidc-issuer': 'https://token.actions.githubusercontent.com', workflow: '.github/workflows/release.yml', 'ref-pattern': 'tags' };
    expect(verify({ key: '/k/cosign.pub', ...runnerDefaults })().key).toBe('/k/cosign.pub');
  });
});
