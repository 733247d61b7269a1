// Test support for the policy generators: the expected signers of the three ways GitHub/Fulcio identify a signing
// run, the certificates Fulcio issues for them (and near-miss forgeries), and small re-implementations of how each
// consumer matches a certificate against a generated document's identity fields.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import {
  GITHUB_ACTIONS_ISSUER,
  type KeySigner,
  type KeylessSigner,
  githubWorkflowIdentity,
  moamReusableWorkflowIdentity,
} from '../../src/policy/expected-signer.ts';

export const SHA = '0123456789abcdef0123456789abcdef01234567';
export const OTHER_SHA = 'fedcba9876543210fedcba9876543210fedcba98';
export const MOAM = 'https://github.com/moam-project/multi-arch-of-madness/.github/workflows/multi-arch.yml';
export const DIRECT = 'https://github.com/octo-org/app/.github/workflows/release.yml';
export const IMAGE = 'ghcr.io/octo-org/app';

/** What a Fulcio certificate for a GitHub Actions token says (fulcio docs/oid-info.md; testkit githubFulcioExtensions). */
export interface FulcioCert {
  san: string;
  issuer: string;
  /** 1.3.6.1.4.1.57264.1.5 GitHub Workflow Repository (the caller) */
  repository: string;
  /** .1.6 GitHub Workflow Ref (the caller's GITHUB_REF) */
  ref: string;
  /** .1.2 GitHub Workflow Trigger */
  trigger: string;
}

export interface Scenario {
  name: string;
  signer: KeylessSigner;
  genuine: FulcioCert;
  forgeries: Array<[string, Partial<FulcioCert>]>;
}

const base = { kind: 'keyless' as const, images: [IMAGE], issuer: GITHUB_ACTIONS_ISSUER, repository: 'octo-org/app', trigger: 'push' };

const common: Array<[string, Partial<FulcioCert>]> = [
  ['another issuer (a GitLab token with the same names)', { issuer: 'https://gitlab.com' }],
  ['a workflow_dispatch run', { trigger: 'workflow_dispatch' }],
];

export const SCENARIOS: Scenario[] = [
  {
    name: 'direct call at a tag',
    signer: { ...base, identity: { san: `${DIRECT}@refs/tags/v1.2.3` }, sourceRef: 'refs/tags/v1.2.3' },
    genuine: { san: `${DIRECT}@refs/tags/v1.2.3`, issuer: GITHUB_ACTIONS_ISSUER, repository: 'octo-org/app', ref: 'refs/tags/v1.2.3', trigger: 'push' },
    forgeries: [
      ...common,
      ['another tag', { san: `${DIRECT}@refs/tags/v1.2.4`, ref: 'refs/tags/v1.2.4' }],
      ['a branch run', { san: `${DIRECT}@refs/heads/main`, ref: 'refs/heads/main' }],
      ['another repository calling release.yml (on: workflow_call)', { repository: 'evil/app' }],
      ['a repository with the name as prefix', { san: `https://github.com/octo-org/app-evil/.github/workflows/release.yml@refs/tags/v1.2.3`, repository: 'octo-org/app-evil' }],
    ],
  },
  {
    name: 'direct call at any tag (identity regexp)',
    signer: { ...base, identity: githubWorkflowIdentity({ workflowRepository: 'octo-org/app', workflowPath: '.github/workflows/release.yml', ref: 'tags' }), sourceRef: 'tags' },
    genuine: { san: `${DIRECT}@refs/tags/v2.0.0`, issuer: GITHUB_ACTIONS_ISSUER, repository: 'octo-org/app', ref: 'refs/tags/v2.0.0', trigger: 'push' },
    forgeries: [
      ...common,
      ['a branch run', { san: `${DIRECT}@refs/heads/main`, ref: 'refs/heads/main' }],
      ['another repository calling release.yml (on: workflow_call)', { repository: 'evil/app' }],
      ['a repository with the name as prefix', { san: `https://github.com/octo-org/app-evil/.github/workflows/release.yml@refs/tags/v2.0.0`, repository: 'octo-org/app-evil' }],
      ['a "." in the SAN replaced', { san: `https://githubXcom/octo-org/app/.github/workflows/release.yml@refs/tags/v2.0.0` }],
      ['a SAN with the identity as a suffix', { san: `https://evil.example/?${DIRECT}@refs/tags/v2.0.0` }],
    ],
  },
  {
    name: 'reusable workflow at a tag',
    signer: { ...base, identity: moamReusableWorkflowIdentity('refs/tags/v1'), sourceRef: 'tags' },
    genuine: { san: `${MOAM}@refs/tags/v1`, issuer: GITHUB_ACTIONS_ISSUER, repository: 'octo-org/app', ref: 'refs/tags/v1.2.3', trigger: 'push' },
    forgeries: [
      ...common,
      ['another caller of the reusable workflow', { repository: 'evil/app' }],
      ['a caller with the name as prefix', { repository: 'octo-org/app-evil' }],
      ['the caller on a branch', { ref: 'refs/heads/main' }],
      ['the reusable workflow at another tag', { san: `${MOAM}@refs/tags/v2` }],
      ['a fork of the reusable workflow', { san: 'https://github.com/evil/multi-arch-of-madness/.github/workflows/multi-arch.yml@refs/tags/v1' }],
    ],
  },
  {
    name: 'reusable workflow pinned by SHA',
    signer: { ...base, identity: moamReusableWorkflowIdentity(SHA), sourceRef: 'tags' },
    genuine: { san: `${MOAM}@${SHA}`, issuer: GITHUB_ACTIONS_ISSUER, repository: 'octo-org/app', ref: 'refs/tags/v1.2.3', trigger: 'push' },
    forgeries: [
      ...common,
      ['another caller pinning the same SHA', { repository: 'evil/app' }],
      ['the reusable workflow at another SHA', { san: `${MOAM}@${OTHER_SHA}` }],
      ['the reusable workflow at a tag instead of the SHA', { san: `${MOAM}@refs/tags/v1` }],
      ['the caller on a branch', { ref: 'refs/heads/main' }],
    ],
  },
];

export const PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEOz9FcbJM/oOkC26Wfo9paG2tYGBL
usDLHze93DzgLaAPDsyJrygpVnL9M6SOyfyXEsjpBTUu6uFZqHua8hwAlA==
-----END PUBLIC KEY-----
`;
export const REKOR_KEY = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE2G2Y+2tabdTV5BcGiBIx0a9fAFwr
kBbmLSGtks4L3qX6yYY0zufBnhC8Ur/iy55GhWP/9A/bY2LhC30M9+RYtw==
-----END PUBLIC KEY-----
`;
export const CA_PEM = `-----BEGIN CERTIFICATE-----
MIIBhzCCAS2gAwIBAgIUFakeCaForTestsOnlyNotARealCertificate0wCgYIKoZI
-----END CERTIFICATE-----
`;

export const KEY_SIGNER: KeySigner = { kind: 'key', images: [IMAGE], publicKeyPem: PUBLIC_KEY };

export function forge(genuine: FulcioCert, over: Partial<FulcioCert>): FulcioCert {
  return { ...genuine, ...over };
}

// ------------------------------------------------------------------------------------------------ matchers

/** Kyverno's ext/wildcard (IGLOU-EU/go-wildcard v1): `*` any sequence, `?` one character, whole string. */
export function kyvernoWildcard(pattern: string, value: string): boolean {
  const re = pattern.replace(/[\\^$.+()|[\]{}]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 's').test(value);
}

/** Go's regexp.MatchString (unanchored) for the RE2 subset both engines share. */
export function goMatch(re: string, value: string): boolean {
  return new RegExp(re).test(value);
}

const KYVERNO_EXTENSIONS: Record<string, keyof FulcioCert> = { githubWorkflowRepository: 'repository', githubWorkflowRef: 'ref', githubWorkflowTrigger: 'trigger' };

/** pkg/image/verifiers/cpol/cosign/cosign.go matchCertificateData + matchExtensions for one keyless attestor. */
export function kyvernoAccepts(keyless: { issuer?: string; subject?: string; subjectRegExp?: string; additionalExtensions?: Record<string, string> }, cert: FulcioCert): boolean {
  if (keyless.subject !== undefined && !kyvernoWildcard(keyless.subject, cert.san)) return false;
  if (keyless.subjectRegExp !== undefined && !goMatch(keyless.subjectRegExp, cert.san)) return false;
  if (keyless.issuer !== undefined && !kyvernoWildcard(keyless.issuer, cert.issuer)) return false;
  for (const [k, v] of Object.entries(keyless.additionalExtensions ?? {})) {
    const field = KYVERNO_EXTENSIONS[k];
    if (!field) throw new Error(`unknown extension ${k}`);
    if (!kyvernoWildcard(v, cert[field])) return false;
  }
  return true;
}

const PC_FIELDS: Record<string, keyof FulcioCert> = { githubWorkflowRepo: 'repository', githubWorkflowRef: 'ref', githubWorkflowTrigger: 'trigger' };

/**
 * policy-controller: the authority identity (issuer/subject exact, subjectRegExp Go-unanchored), then the Rego
 * module. The Rego is read line by line for the statements githubExtensionsRego writes (`sig.X == "lit"`,
 * `regex.match("re", sig.X)`); any other statement in the isCompliant body fails the parse, so the test breaks if
 * the generator starts writing something this reader does not understand.
 */
export function policyControllerAccepts(authority: { keyless?: { identities: Array<{ issuer: string; subject?: string; subjectRegExp?: string }> } }, rego: string, cert: FulcioCert): boolean {
  const id = authority.keyless?.identities[0];
  if (!id) throw new Error('no keyless identity');
  if (id.issuer !== cert.issuer) return false;
  if (id.subject !== undefined && id.subject !== cert.san) return false;
  if (id.subjectRegExp !== undefined && !goMatch(id.subjectRegExp, cert.san)) return false;
  const body = /isCompliant \{\n([\s\S]*?)\n\}/.exec(rego)?.[1];
  if (!body) throw new Error('no isCompliant body');
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if (line.startsWith('sig := input.authorityMatches[')) continue;
    if ((m = /^sig\.(\w+) == ("(?:[^"\\]|\\.)*")$/.exec(line))) {
      if (cert[fieldOf(m[1] ?? '')] !== JSON.parse(m[2] ?? '""')) return false;
    } else if ((m = /^regex\.match\(("(?:[^"\\]|\\.)*"), sig\.(\w+)\)$/.exec(line))) {
      if (!goMatch(JSON.parse(m[1] ?? '""') as string, cert[fieldOf(m[2] ?? '')])) return false;
    } else throw new Error(`unexpected Rego statement: ${line}`);
  }
  return true;
}

function fieldOf(name: string): keyof FulcioCert {
  const f = PC_FIELDS[name];
  if (!f) throw new Error(`unknown signature field ${name}`);
  return f;
}

/** cosign verify's certificate checks for the flags our lines use, plus the jq filter on its JSON output. */
export function cosignAccepts(argv: readonly string[], jq: readonly string[] | undefined, cert: FulcioCert): boolean {
  const flag = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const exact: Array<[string, keyof FulcioCert]> = [
    ['certificate-identity', 'san'],
    ['certificate-oidc-issuer', 'issuer'],
    ['certificate-github-workflow-repository', 'repository'],
    ['certificate-github-workflow-ref', 'ref'],
    ['certificate-github-workflow-trigger', 'trigger'],
  ];
  for (const [name, field] of exact) {
    const v = flag(name);
    if (v !== undefined && v !== cert[field]) return false;
  }
  const re = flag('certificate-identity-regexp');
  if (re !== undefined && !goMatch(re, cert.san)) return false;
  if (jq) {
    const m = /test\(("(?:[^"\\]|\\.)*")\)\)$/.exec(jq[1] ?? '');
    if (!m || !jq[1]?.startsWith('any(.[]; (.optional.githubWorkflowRef // "") | ')) throw new Error(`unexpected jq program ${jq.join(' ')}`);
    if (!new RegExp(JSON.parse(m[1] ?? '""') as string).test(cert.ref)) return false;
  }
  return true;
}

// ------------------------------------------------------------------------------------------------ CRD schemas

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/policy');

export const CRD_SCHEMAS = {
  clusterPolicy: { file: 'kyverno-v1.19.0-clusterpolicy-v1.schema.json', apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy' },
  imageValidatingPolicy: { file: 'kyverno-v1.19.0-imagevalidatingpolicy-v1.schema.json', apiVersion: 'policies.kyverno.io/v1', kind: 'ImageValidatingPolicy' },
  clusterImagePolicy: { file: 'policy-controller-v0.15.1-clusterimagepolicy-v1beta1.schema.json', apiVersion: 'policy.sigstore.dev/v1beta1', kind: 'ClusterImagePolicy' },
} as const;

/**
 * Kubernetes strict field validation: an object schema that lists properties and neither allows additional ones
 * nor preserves unknown fields rejects any other field (the API server would prune it, or refuse it with
 * --validate=strict). The vendored schemas stay as upstream wrote them; this is applied when loading.
 */
export function strictFields(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strictFields);
  if (schema === null || typeof schema !== 'object') return schema;
  const s = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    out[k] = k === 'properties' && v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([p, sub]) => [p, strictFields(sub)])) : strictFields(v);
  }
  if (s.properties && s.additionalProperties === undefined && s['x-kubernetes-preserve-unknown-fields'] !== true) out.additionalProperties = false;
  return out;
}

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

export function crdValidator(which: keyof typeof CRD_SCHEMAS): ValidateFunction {
  const { file } = CRD_SCHEMAS[which];
  const cached = compiled.get(file);
  if (cached) return cached;
  if (!ajv) {
    ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
    // Kubernetes structural-schema annotations: no validation meaning for a single document.
    for (const keyword of ['x-kubernetes-preserve-unknown-fields', 'x-kubernetes-list-type', 'x-kubernetes-map-type', 'x-kubernetes-int-or-string', 'x-kubernetes-list-map-keys']) ajv.addKeyword({ keyword });
    ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
    ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
    ajv.addFormat('date-time', { type: 'string', validate: (d: string) => !Number.isNaN(Date.parse(d)) });
  }
  const schema = JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as Record<string, unknown>;
  // The API server always accepts apiVersion, kind and metadata at the root (TypeMeta/ObjectMeta), whether or not
  // the CRD lists them (policy-controller's lists only spec and status).
  const root = { ...schema, properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...(schema.properties as object) } };
  const validate = ajv.compile(strictFields(root) as object);
  compiled.set(file, validate);
  return validate;
}

/** Validation errors of a document against its CRD (empty when valid), incl. apiVersion/kind and metadata.name. */
export function crdErrors(which: keyof typeof CRD_SCHEMAS, doc: unknown): string[] {
  const validate = crdValidator(which);
  const errors: string[] = [];
  if (!validate(doc)) errors.push(...(validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`));
  const d = doc as { apiVersion?: string; kind?: string; metadata?: { name?: string } };
  if (d.apiVersion !== CRD_SCHEMAS[which].apiVersion || d.kind !== CRD_SCHEMAS[which].kind) errors.push(`apiVersion/kind ${d.apiVersion}/${d.kind}`);
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(d.metadata?.name ?? '')) errors.push(`metadata.name ${d.metadata?.name}`);
  return errors;
}

/** A scenario by name (throws when it is missing, so tests never run on undefined). */
export function scenario(name: string): Scenario {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(`no scenario ${name}`);
  return s;
}

/** Our reusable workflow at a tag, called by octo-org/app on push of any tag: the common keyless signer. */
export const REUSABLE: KeylessSigner = scenario('reusable workflow at a tag').signer;
export const DIRECT_ANY_TAG: KeylessSigner = scenario('direct call at any tag (identity regexp)').signer;
export const DIRECT_ONE_TAG: KeylessSigner = scenario('direct call at a tag').signer;
