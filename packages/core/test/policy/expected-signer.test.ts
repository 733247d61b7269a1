import { describe, expect, it } from 'vitest';
import { ProblemsError } from '../../src/errors.ts';
import { type ExpectedSigner, type KeylessSigner, githubWorkflowIdentity, moamReusableWorkflowIdentity } from '../../src/policy/expected-signer.ts';
import { normalizeSigner, refMatcher } from '../../src/policy/normalize.ts';
import { defaultPolicyName } from '../../src/policy/names.ts';
import { kyvernoClusterPolicy } from '../../src/policy/kyverno.ts';
import { KEY_SIGNER, MOAM, PUBLIC_KEY, REUSABLE, SHA } from './support.ts';

const KEYLESS = REUSABLE;

describe('identities GitHub/Fulcio produce', () => {
  it.each<[string, Parameters<typeof githubWorkflowIdentity>[0], unknown]>([
    ['a direct call at one tag: the exact SAN', { workflowRepository: 'octo-org/app', workflowPath: '.github/workflows/release.yml', ref: 'refs/tags/v1.2.3' }, { san: 'https://github.com/octo-org/app/.github/workflows/release.yml@refs/tags/v1.2.3' }],
    ['a direct call at any tag: an anchored, escaped regexp', { workflowRepository: 'octo-org/my.app', workflowPath: './.github/workflows/release.yml', ref: 'tags' }, { regexp: '^https://github\\.com/octo-org/my\\.app/\\.github/workflows/release\\.yml@refs/tags/.+$' }],
    ['a branch pattern on GHES', { serverUrl: 'https://ghes.example.com/', workflowRepository: 'o/r', workflowPath: '.github/workflows/r.yaml', ref: 'branches' }, { regexp: '^https://ghes\\.example\\.com/o/r/\\.github/workflows/r\\.yaml@refs/heads/.+$' }],
    ['a workflow pinned by SHA: no refs/ prefix', { workflowRepository: 'moam-project/multi-arch-of-madness', workflowPath: '.github/workflows/multi-arch.yml', ref: SHA }, { san: `${MOAM}@${SHA}` }],
  ])('%s', (_name, o, expected) => {
    expect(githubWorkflowIdentity(o)).toEqual(expected);
  });

  it('our reusable workflow at a tag and at a SHA', () => {
    expect(moamReusableWorkflowIdentity('refs/tags/v1')).toEqual({ san: `${MOAM}@refs/tags/v1` });
    expect(moamReusableWorkflowIdentity(SHA)).toEqual({ san: `${MOAM}@${SHA}` });
  });

  it.each([['v1'], ['refs/tags/v1 '.repeat(2)], [SHA.toUpperCase()], [SHA.slice(1)], ['refs/tags/a*b']])('refuses the workflow ref %j', (ref) => {
    expect(() => githubWorkflowIdentity({ workflowRepository: 'o/r', workflowPath: '.github/workflows/r.yml', ref })).toThrow(/Input "ref-pattern"/);
  });
});

describe('refMatcher', () => {
  it.each<[string, unknown]>([
    ['tags', { pattern: 'tags', regexp: '^refs/tags/.+$', glob: 'refs/tags/*' }],
    ['branches', { pattern: 'branches', regexp: '^refs/heads/.+$', glob: 'refs/heads/*' }],
    ['any', { pattern: 'any', regexp: '^refs/.+$', glob: 'refs/*' }],
    ['refs/tags/v1.2.3', { pattern: 'refs/tags/v1.2.3', exact: 'refs/tags/v1.2.3', regexp: '^refs/tags/v1\\.2\\.3$', glob: 'refs/tags/v1.2.3' }],
    ['refs/heads/release+1', { pattern: 'refs/heads/release+1', exact: 'refs/heads/release+1', regexp: '^refs/heads/release\\+1$', glob: 'refs/heads/release+1' }],
  ])('%s', (pattern, expected) => {
    expect(refMatcher(pattern)).toEqual(expected);
  });

  it.each([['v1.2.3'], ['refs/'], ['refs/tags/*'], ['refs/tags/v?'], ['refs/tags/a b'], ['refs/tags/a..b'], ['refs/heads/x.lock'], ['']])('refuses %j', (pattern) => {
    expect(() => refMatcher(pattern)).toThrow(/Input "sourceRef"/);
  });
});

describe('normalizeSigner', () => {
  it('keyless: defaults (tlog on) and the anchored regexp', () => {
    const s = normalizeSigner({ ...KEYLESS, identity: { regexp: 'https://github\\.com/o/r/\\.github/workflows/x\\.yml@refs/tags/.+' } });
    expect(s).toMatchObject({ kind: 'keyless', tlog: true, regexp: '^https://github\\.com/o/r/\\.github/workflows/x\\.yml@refs/tags/.+$', sigstore: {} });
  });

  it('key: defaults (tlog off), the PEM ends with one newline', () => {
    expect(normalizeSigner({ ...KEY_SIGNER, publicKeyPem: `  ${PUBLIC_KEY.trim()}  ` })).toMatchObject({ kind: 'key', tlog: false, publicKeyPem: PUBLIC_KEY });
  });

  it('reports every problem at once', () => {
    const bad = {
      kind: 'keyless',
      images: ['ghcr.io/o/app:1.0', 'GHCR.io/O/App'],
      issuer: 'http://token.actions.githubusercontent.com',
      identity: { san: 'x', regexp: 'y' },
      repository: 'o',
      sourceRef: 'v1',
      trigger: 'Push!',
      sigstore: { rekorUrl: 'ftp://x', fulcioCaPem: 'nope', rekorPublicKeyPath: 'relative.pub', trustRootRef: 'Not_A_Name' },
    } as unknown as ExpectedSigner;
    let error: unknown;
    try {
      normalizeSigner(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProblemsError);
    const problems = (error as ProblemsError).problems;
    expect(problems.map((p) => /^Input "([^"]+)"/.exec(p)?.[1])).toEqual(['images', 'images', 'issuer', 'identity', 'repository', 'sourceRef', 'trigger', 'sigstore.rekorUrl']);
  });

  it.each<[string, Partial<KeylessSigner>, RegExp]>([
    ['an identity regexp that matches anything', { identity: { regexp: '.*' } }, /matches any identity/],
    ['an identity regexp with a lookahead', { identity: { regexp: '^https://github\\.com/(?!evil).*$' } }, /lookaround/],
    ['a SAN with whitespace', { identity: { san: 'https://github.com/o/r/.github/workflows/x.yml@refs/tags/v1 ' + 'x' } }, /has whitespace/],
    ['no images', { images: [] }, /Input "images": is empty/],
    ['a private Sigstore path with a control character', { sigstore: { fulcioCaPath: '/etc/a\nb' } }, /Input "sigstore.fulcioCaPath"/],
  ])('refuses %s', (_name, over, why) => {
    expect(() => normalizeSigner({ ...KEYLESS, ...over })).toThrow(why);
  });

  it('refuses a key that is not a PEM public key, and an unknown kind', () => {
    expect(() => normalizeSigner({ ...KEY_SIGNER, publicKeyPem: '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----' })).toThrow(/Input "publicKeyPem": is not a PEM public key/);
    expect(() => normalizeSigner({ ...KEY_SIGNER, kind: 'gpg' } as unknown as ExpectedSigner)).toThrow(/Input "kind"/);
  });

  it('deduplicates images that name the same repository', () => {
    expect(normalizeSigner({ ...KEY_SIGNER, images: ['alpine', 'docker.io/library/alpine', 'index.docker.io/library/alpine'] }).images.map((i) => i.name)).toEqual(['alpine']);
  });
});

describe('policy names', () => {
  it('derives a DNS-1123 label from the first image, cut at 63 characters', () => {
    expect(defaultPolicyName(normalizeSigner({ ...KEY_SIGNER, images: ['localhost:5000/moam-it/app_x'] }).images)).toBe('moam-verify-localhost-5000-moam-it-app-x');
    const long = defaultPolicyName(normalizeSigner({ ...KEY_SIGNER, images: [`ghcr.io/o/${'a'.repeat(40)}-${'b'.repeat(20)}`] }).images);
    expect(long).toHaveLength(62);
    expect(long).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  it('refuses a name Kubernetes would refuse', () => {
    expect(() => kyvernoClusterPolicy(KEY_SIGNER, { name: 'Verify_App' })).toThrow(/Input "name"/);
  });
});
