/**
 * Our own policy over the GitHub Actions workflows (and the action.yml files they reference): the rules
 * actionlint and the workflow schema do not know. Every check is a pure function of YAML text, so tests
 * can feed it small bad snippets.
 */
import { parse as parseYaml } from 'yaml';

export const REPOSITORY = 'moam-project/multi-arch-of-madness';
export const ALLOWED_RUNNERS: readonly string[] = ['ubuntu-latest', 'ubuntu-24.04', 'ubuntu-24.04-arm'];
/** The job whose outputs may feed a matrix (and therefore runs-on). */
export const PREPARE_JOB = 'prepare';

export type RuleId =
  | 'yaml'
  | 'pin-sha'
  | 'pin-comment'
  | 'top-permissions'
  | 'job-permissions'
  | 'id-token-scope'
  | 'packages-write-scope'
  | 'action-inputs'
  | 'workflow-call-inputs'
  | 'runner-label'
  | 'untrusted-in-run'
  | 'harden-runner-first'
  | 'action-metadata'
  | 'self-reference';

export interface Finding {
  file: string;
  rule: RuleId;
  job?: string;
  message: string;
}

export interface ActionInput {
  description?: string;
  required: boolean;
  hasDefault: boolean;
}

export interface ActionMetadata {
  inputs: Map<string, ActionInput>;
}

export interface PolicyContext {
  /** Our actions by directory name (actions/<name>/action.yml). */
  actions: ReadonlyMap<string, ActionMetadata>;
  /** Our workflows by path relative to the repository root, e.g. .github/workflows/multi-arch.yml (raw YAML). */
  workflows: ReadonlyMap<string, string>;
  allowedRunners?: readonly string[];
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const asObj = (v: unknown): Obj => (isObj(v) ? v : {});
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);

// ---------------------------------------------------------------------------------------------------------
// References to actions and reusable workflows
// ---------------------------------------------------------------------------------------------------------

export type UsesRef =
  | { kind: 'local-action'; name: string; raw: string }
  /** `$/actions/<name>`: GitHub's self-repository syntax, our own action at the commit that is running. */
  | { kind: 'self-action'; name: string; raw: string }
  | { kind: 'self-other'; raw: string }
  | { kind: 'own-action'; name: string; ref: string; raw: string }
  | { kind: 'local-workflow'; path: string; raw: string }
  | { kind: 'own-workflow'; path: string; ref: string; raw: string }
  | { kind: 'docker'; raw: string }
  | { kind: 'third-party'; target: string; ref: string; raw: string }
  | { kind: 'other-local'; raw: string };

export function classifyUses(raw: string): UsesRef {
  const v = raw.trim();
  let m = /^\.\/actions\/([A-Za-z0-9._-]+)\/?$/.exec(v);
  if (m) return { kind: 'local-action', name: m[1]!, raw: v };
  m = /^\$\/actions\/([A-Za-z0-9._-]+)\/?$/.exec(v);
  if (m) return { kind: 'self-action', name: m[1]!, raw: v };
  if (v.startsWith('$/')) return { kind: 'self-other', raw: v };
  m = /^\.\/(\.github\/workflows\/[^@]+\.ya?ml)$/.exec(v);
  if (m) return { kind: 'local-workflow', path: m[1]!, raw: v };
  if (v.startsWith('./')) return { kind: 'other-local', raw: v };
  if (v.startsWith('docker://')) return { kind: 'docker', raw: v };
  const own = `${REPOSITORY}/`;
  if (v.toLowerCase().startsWith(own)) {
    const rest = v.slice(own.length);
    const at = rest.lastIndexOf('@');
    const path = at >= 0 ? rest.slice(0, at) : rest;
    const ref = at >= 0 ? rest.slice(at + 1) : '';
    m = /^actions\/([A-Za-z0-9._-]+)$/.exec(path);
    if (m) return { kind: 'own-action', name: m[1]!, ref, raw: v };
    if (/^\.github\/workflows\/[^/]+\.ya?ml$/.test(path)) return { kind: 'own-workflow', path, ref, raw: v };
  }
  const at = v.lastIndexOf('@');
  return { kind: 'third-party', target: at >= 0 ? v.slice(0, at) : v, ref: at >= 0 ? v.slice(at + 1) : '', raw: v };
}

const FULL_SHA = /^[0-9a-f]{40}$/;

/** `uses: x@<sha> # v1.2.3` somewhere in the source (the comment is the only readable part of a pin). */
function hasVersionComment(source: string, uses: string): boolean {
  const escaped = uses.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`uses:\\s*(['"]?)${escaped}\\1\\s+#\\s*v?\\d+(\\.\\d+)*\\b`);
  return source.split('\n').some((line) => re.test(line));
}

// ---------------------------------------------------------------------------------------------------------
// action.yml
// ---------------------------------------------------------------------------------------------------------

/** Reads the inputs of an action.yml. */
export function parseActionMetadata(source: string): ActionMetadata {
  const doc = asObj(parseYaml(source));
  const inputs = new Map<string, ActionInput>();
  for (const [id, def] of Object.entries(asObj(doc.inputs))) {
    const d = asObj(def);
    const required = d.required === true || d.required === 'true';
    inputs.set(id, { required, hasDefault: 'default' in d, ...(typeof d.description === 'string' ? { description: d.description } : {}) });
  }
  return { inputs };
}

/** Structure of OUR JavaScript actions: what the schema allows is not enough (node24, dist/index.js, documented inputs). */
export function checkActionMetadata(file: string, source: string): Finding[] {
  const findings: Finding[] = [];
  const add = (message: string) => findings.push({ file, rule: 'action-metadata', message });
  let doc: Obj;
  try {
    doc = asObj(parseYaml(source));
  } catch (error) {
    return [{ file, rule: 'yaml', message: `not YAML: ${error instanceof Error ? error.message : String(error)}` }];
  }
  if (typeof doc.name !== 'string' || doc.name.trim() === '') add('has no name');
  if (typeof doc.description !== 'string' || doc.description.trim() === '') add('has no description');
  const runs = asObj(doc.runs);
  if (runs.using !== 'node24') add(`runs.using is ${JSON.stringify(runs.using)}, expected node24`);
  if (runs.main !== 'dist/index.js') add(`runs.main is ${JSON.stringify(runs.main)}, expected dist/index.js`);
  for (const [id, def] of Object.entries(asObj(doc.inputs))) {
    const d = asObj(def);
    if (typeof d.description !== 'string' || d.description.trim() === '') add(`input "${id}" has no description`);
    const required = d.required === true || d.required === 'true';
    if (required && 'default' in d) add(`input "${id}" is required but has a default (a default makes "required" meaningless)`);
  }
  for (const [id, def] of Object.entries(asObj(doc.outputs))) {
    const d = asObj(def);
    if (typeof d.description !== 'string' || d.description.trim() === '') add(`output "${id}" has no description`);
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------------------
// Workflows
// ---------------------------------------------------------------------------------------------------------

interface JobFacts {
  signs: boolean;
  pushes: boolean;
}

const isFalse = (v: unknown) => v === false || (typeof v === 'string' && v.trim().toLowerCase() === 'false');
const isTrue = (v: unknown) => v === true || (typeof v === 'string' && v.trim().toLowerCase() === 'true');

function stepFacts(step: Obj): JobFacts {
  const uses = str(step.uses);
  if (!uses) return { signs: false, pushes: false };
  const ref = classifyUses(uses);
  if (ref.kind !== 'local-action' && ref.kind !== 'own-action' && ref.kind !== 'self-action') return { signs: false, pushes: false };
  const w = asObj(step.with);
  switch (ref.name) {
    case 'sign-recursive':
      return { signs: true, pushes: true };
    case 'build-by-digest':
      return { signs: false, pushes: !isFalse(w.push) };
    case 'merge-manifest':
      return { signs: false, pushes: !isTrue(w['dry-run']) };
    default:
      return { signs: false, pushes: false };
  }
}

/** What a job does, following a call to one of our reusable workflows (one level, as GitHub allows nesting). */
function jobFacts(job: Obj, ctx: PolicyContext, depth = 0): JobFacts {
  const facts: JobFacts = { signs: false, pushes: false };
  for (const s of asArray(job.steps)) {
    const f = stepFacts(asObj(s));
    facts.signs ||= f.signs;
    facts.pushes ||= f.pushes;
  }
  const uses = str(job.uses);
  if (uses && depth < 4) {
    const called = calledWorkflow(uses, ctx);
    if (called) {
      for (const j of Object.values(asObj(called.jobs))) {
        const f = jobFacts(asObj(j), ctx, depth + 1);
        facts.signs ||= f.signs;
        facts.pushes ||= f.pushes;
      }
    }
  }
  return facts;
}

function calledWorkflow(uses: string, ctx: PolicyContext): Obj | undefined {
  const ref = classifyUses(uses);
  const path = ref.kind === 'local-workflow' || ref.kind === 'own-workflow' ? ref.path : undefined;
  const source = path ? ctx.workflows.get(path) : undefined;
  if (source === undefined) return undefined;
  try {
    return asObj(parseYaml(source));
  } catch {
    return undefined;
  }
}

function permissionOf(perms: unknown, scope: string): string | undefined {
  if (perms === 'write-all') return 'write';
  if (perms === 'read-all') return 'read';
  return str(asObj(perms)[scope]);
}

// Expressions in run: that are safe to interpolate (never attacker-controlled text). Everything else must go
// through env:, where the shell sees it as data.
const SAFE_IN_RUN = new Set([
  'github.sha', 'github.run_id', 'github.run_number', 'github.run_attempt', 'github.workspace', 'github.repository',
  'github.repository_id', 'github.repository_owner', 'github.repository_owner_id', 'github.server_url', 'github.api_url',
  'github.graphql_url', 'github.job', 'github.action_path', 'github.event_name', 'github.ref_type', 'github.retention_days',
  'github.workflow_sha', 'runner.os', 'runner.arch', 'runner.temp', 'runner.tool_cache', 'runner.name', 'runner.debug',
  'strategy.job-index', 'strategy.job-total', 'job.status',
]);

/** The `${{ }}` expressions of a run: script that may carry untrusted input, with a reason. */
export function untrustedExpressions(script: string): { expression: string; reason: string }[] {
  const found: { expression: string; reason: string }[] = [];
  for (const m of script.matchAll(/\$\{\{([\s\S]*?)\}\}/g)) {
    const expression = m[1]!.trim();
    // Strip string literals, then look at every context reference.
    const code = expression.replace(/'(?:[^']|'')*'/g, "''");
    const refs = [...code.matchAll(/\b([A-Za-z_][A-Za-z0-9_-]*(?:\s*(?:\.\s*[A-Za-z0-9_*-]+|\[[^\]]*\]))*)/g)].map((r) => r[1]!.replace(/\s+/g, ''));
    const contexts = refs.filter((r) => /^(github|inputs|env|vars|secrets|steps|needs|matrix|strategy|job|jobs|runner)\b/.test(r));
    let reason: string | undefined;
    for (const r of contexts) {
      if (/^github\.(event|head_ref|base_ref|ref_name|ref|actor|triggering_actor)\b/.test(r)) reason = `${r} is controlled by whoever triggered the run`;
      else if (/^inputs\b/.test(r)) reason = `${r} is controlled by the caller`;
      else if (/^(steps|needs|matrix|env|vars)\b/.test(r)) reason = `${r} may carry untrusted text`;
      else if (/^secrets\b/.test(r)) reason = `${r} would be written into the script`;
      else if (!SAFE_IN_RUN.has(r) && !/^runner\./.test(r)) reason = `${r} is not on the list of values safe to interpolate`;
      if (reason) break;
    }
    if (reason) found.push({ expression, reason });
  }
  return found;
}

function runnerLabels(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (isObj(value)) return value.labels !== undefined ? runnerLabels(value.labels) : [];
  return [value];
}

const PREPARE_EXPRESSION = new RegExp(`^\\$\\{\\{\\s*fromJSON\\(\\s*needs\\.${PREPARE_JOB}\\.outputs\\.[A-Za-z0-9_-]+\\s*\\)\\s*\\}\\}$`, 'i');

/** Runner labels a job can land on, as far as they can be read statically; problems as messages. */
function checkRunsOn(job: Obj, allowed: readonly string[]): string[] {
  const problems: string[] = [];
  const check = (label: unknown, where: string) => {
    const l = str(label);
    if (l === undefined) problems.push(`${where} is not a label`);
    else if (!allowed.includes(l)) problems.push(`${where} "${l}" is not one of ${allowed.join(', ')}`);
  };
  if (job['runs-on'] === undefined) return problems;
  for (const label of runnerLabels(job['runs-on'])) {
    const text = str(label) ?? '';
    const m = /^\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}$/.exec(text);
    if (!m) {
      if (text.includes('${{')) problems.push(`runs-on "${text}" is an expression other than a matrix value`);
      else check(label, 'runs-on');
      continue;
    }
    const key = m[1]!;
    const matrix = asObj(job.strategy).matrix;
    if (typeof matrix === 'string') {
      if (!PREPARE_EXPRESSION.test(matrix.trim())) problems.push(`matrix "${matrix}" does not come from the ${PREPARE_JOB} job's outputs`);
      continue;
    }
    const mo = asObj(matrix);
    if (typeof mo.include === 'string') {
      if (!PREPARE_EXPRESSION.test(mo.include.trim())) problems.push(`matrix.include "${mo.include}" does not come from the ${PREPARE_JOB} job's outputs`);
    } else {
      for (const entry of asArray(mo.include)) {
        const v = asObj(entry)[key];
        if (v !== undefined) for (const l of runnerLabels(v)) check(l, `matrix.include ${key}`);
      }
    }
    if (mo[key] !== undefined) {
      if (typeof mo[key] === 'string') problems.push(`matrix.${key} "${String(mo[key])}" is an expression, not a list of allowed labels`);
      for (const v of asArray(mo[key])) for (const l of runnerLabels(v)) check(l, `matrix.${key}`);
    }
    if (mo[key] === undefined && mo.include === undefined) problems.push(`matrix.${key} is not defined`);
  }
  return problems;
}

/** The `runners` workflow_call input (platform -> label JSON): its default must only name allowed labels. */
function checkRunnersInputDefault(on: Obj, allowed: readonly string[]): string[] {
  const input = asObj(asObj(asObj(on.workflow_call).inputs).runners);
  if (!('default' in input)) return [];
  let map: unknown;
  try {
    map = JSON.parse(String(input.default));
  } catch {
    return [`the runners input default is not JSON`];
  }
  const problems: string[] = [];
  for (const [platform, label] of Object.entries(asObj(map))) {
    for (const l of runnerLabels(label)) {
      if (typeof l !== 'string' || !allowed.includes(l)) problems.push(`the runners input default maps ${platform} to "${String(l)}", not one of ${allowed.join(', ')}`);
    }
  }
  return problems;
}

function checkWith(file: string, jobId: string, step: Obj, where: string, ctx: PolicyContext): Finding[] {
  const uses = str(step.uses);
  if (!uses) return [];
  const ref = classifyUses(uses);
  if (ref.kind !== 'local-action' && ref.kind !== 'own-action' && ref.kind !== 'self-action') return [];
  const add = (message: string): Finding => ({ file, job: jobId, rule: 'action-inputs', message: `${where}: ${message}` });
  const meta = ctx.actions.get(ref.name);
  if (!meta) return [add(`uses ${uses}, but actions/${ref.name}/action.yml does not exist`)];
  const findings: Finding[] = [];
  const given = asObj(step.with);
  for (const key of Object.keys(given)) {
    if (!meta.inputs.has(key)) findings.push(add(`"${key}" is not an input of actions/${ref.name} (inputs: ${[...meta.inputs.keys()].join(', ')})`));
  }
  for (const [id, input] of meta.inputs) {
    if (input.required && !input.hasDefault && !(id in given)) findings.push(add(`required input "${id}" of actions/${ref.name} is not given`));
  }
  return findings;
}

function checkWorkflowCall(file: string, jobId: string, job: Obj, ctx: PolicyContext): Finding[] {
  const uses = str(job.uses);
  if (!uses) return [];
  const ref = classifyUses(uses);
  if (ref.kind !== 'local-workflow' && ref.kind !== 'own-workflow') return [];
  const add = (message: string): Finding => ({ file, job: jobId, rule: 'workflow-call-inputs', message });
  const called = calledWorkflow(uses, ctx);
  if (!called) return [add(`calls ${uses}, but ${ref.path} does not exist`)];
  const call = asObj(asObj(called.on).workflow_call);
  if (called.on === undefined || !('workflow_call' in asObj(called.on))) return [add(`${ref.path} has no on.workflow_call trigger`)];
  const findings: Finding[] = [];
  const inputs = asObj(call.inputs);
  const given = asObj(job.with);
  for (const key of Object.keys(given)) if (!(key in inputs)) findings.push(add(`"${key}" is not an input of ${ref.path}`));
  for (const [id, def] of Object.entries(inputs)) {
    const d = asObj(def);
    if (isTrue(d.required) && !('default' in d) && !(id in given)) findings.push(add(`required input "${id}" of ${ref.path} is not given`));
  }
  if (job.secrets !== 'inherit') {
    const secrets = asObj(call.secrets);
    const givenSecrets = asObj(job.secrets);
    for (const key of Object.keys(givenSecrets)) if (!(key in secrets)) findings.push(add(`secret "${key}" is not declared by ${ref.path}`));
    for (const [id, def] of Object.entries(secrets)) {
      if (isTrue(asObj(def).required) && !(id in givenSecrets)) findings.push(add(`required secret "${id}" of ${ref.path} is not given`));
    }
  }
  return findings;
}

/** Every policy finding for one workflow file. `file` is the path relative to the repository root. */
export function checkWorkflow(file: string, source: string, ctx: PolicyContext): Finding[] {
  const allowed = ctx.allowedRunners ?? ALLOWED_RUNNERS;
  let doc: Obj;
  try {
    const parsed: unknown = parseYaml(source);
    if (!isObj(parsed)) return [{ file, rule: 'yaml', message: 'is not a YAML mapping' }];
    doc = parsed;
  } catch (error) {
    return [{ file, rule: 'yaml', message: `not YAML: ${error instanceof Error ? error.message : String(error)}` }];
  }
  const findings: Finding[] = [];
  const add = (rule: RuleId, message: string, job?: string) => findings.push({ file, rule, message, ...(job !== undefined ? { job } : {}) });

  // Top-level permissions: {} (every job then asks for exactly what it needs).
  const top = doc.permissions;
  if (top === undefined) add('top-permissions', 'has no top-level permissions; use permissions: {}');
  else if (!isObj(top) || Object.keys(top).length > 0) add('top-permissions', `top-level permissions are ${JSON.stringify(top)}; use permissions: {}`);

  for (const problem of checkRunnersInputDefault(asObj(doc.on), allowed)) add('runner-label', problem);

  const jobs = asObj(doc.jobs);
  if (Object.keys(jobs).length === 0) add('yaml', 'has no jobs');
  for (const [jobId, rawJob] of Object.entries(jobs)) {
    const job = asObj(rawJob);
    const perms = job.permissions;
    if (perms === undefined) add('job-permissions', 'has no explicit permissions', jobId);
    else if (!isObj(perms)) add('job-permissions', `permissions "${String(perms)}" is not an explicit list of scopes`, jobId);

    const facts = jobFacts(job, ctx);
    if (permissionOf(perms, 'id-token') === 'write' && !facts.signs) {
      add('id-token-scope', 'has id-token: write but does not sign (only a job that uses sign-recursive may get an OIDC token)', jobId);
    }
    if (permissionOf(perms, 'packages') === 'write' && !facts.pushes) {
      add('packages-write-scope', 'has packages: write but pushes nothing (build-by-digest with push, merge-manifest, sign-recursive)', jobId);
    }

    for (const problem of checkRunsOn(job, allowed)) add('runner-label', problem, jobId);

    // Reusable workflow calls: pins and inputs.
    if (typeof job.uses === 'string') {
      checkPin(file, source, job.uses, jobId, findings);
      findings.push(...checkWorkflowCall(file, jobId, job, ctx));
      continue;
    }

    const steps = asArray(job.steps).map(asObj);
    const first = steps[0];
    const firstUses = first ? str(first.uses) : undefined;
    if (!firstUses || !firstUses.startsWith('step-security/harden-runner@')) {
      add('harden-runner-first', `the first step is ${firstUses ?? (first ? 'a run: step' : 'missing')}, not step-security/harden-runner`, jobId);
    } else {
      const policy = str(asObj(first!.with)['egress-policy']);
      if (policy !== 'audit' && policy !== 'block') add('harden-runner-first', `harden-runner has egress-policy ${JSON.stringify(policy)}; use audit or block`, jobId);
    }

    steps.forEach((step, i) => {
      const where = `step ${i + 1}${typeof step.name === 'string' ? ` (${step.name})` : ''}`;
      if (typeof step.uses === 'string') checkPin(file, source, step.uses, jobId, findings);
      findings.push(...checkWith(file, jobId, step, where, ctx));
      if (typeof step.run === 'string') {
        for (const { expression, reason } of untrustedExpressions(step.run)) {
          add('untrusted-in-run', `${where}: \${{ ${expression} }} inside run: (${reason}); pass it through env: instead`, jobId);
        }
      }
    });
  }
  return findings;
}

function checkPin(file: string, source: string, uses: string, jobId: string, findings: Finding[]): void {
  const ref = classifyUses(uses);
  if (ref.kind === 'own-action' || ref.kind === 'own-workflow') {
    const self = ref.kind === 'own-action' ? `$/actions/${ref.name}` : `./${ref.path}`;
    findings.push({ file, job: jobId, rule: 'self-reference', message: `${uses} runs our own code at a ref that moves (or another commit than the one running): use ${self}, which resolves to this workflow's repository at the running commit` });
    return;
  }
  if (ref.kind === 'self-other') {
    findings.push({ file, job: jobId, rule: 'self-reference', message: `${uses} is not one of our actions ($/actions/<name>)` });
    return;
  }
  if (ref.kind === 'docker') {
    if (!/@sha256:[0-9a-f]{64}$/.test(ref.raw)) findings.push({ file, job: jobId, rule: 'pin-sha', message: `${uses} is not pinned to an image digest` });
    return;
  }
  if (ref.kind !== 'third-party') return;
  if (!FULL_SHA.test(ref.ref)) {
    findings.push({ file, job: jobId, rule: 'pin-sha', message: `${uses} is not pinned to a full 40-character commit SHA` });
  } else if (!hasVersionComment(source, uses)) {
    findings.push({ file, job: jobId, rule: 'pin-comment', message: `${uses} has no trailing "# vX.Y.Z" comment naming the version` });
  }
}

/** A GitHub Actions filter pattern (on.push.tags) as a RegExp: * ** ? + [] and a leading ! are understood. */
export function filterPatternToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        out += '.*';
        i++;
      } else out += '[^/]*';
    } else if (c === '?' || c === '+') {
      out += c;
    } else if (c === '[') {
      const end = pattern.indexOf(']', i);
      if (end < 0) throw new Error(`unterminated [ in ${pattern}`);
      out += pattern.slice(i, end + 1);
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) {
      out += `\\${pattern[++i]}`;
    } else out += c.replace(/[.^$|(){}]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** Whether a pushed tag matches a list of filter patterns (later !patterns exclude, as GitHub evaluates them). */
export function tagMatches(patterns: readonly string[], tag: string): boolean {
  let matched = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (filterPatternToRegExp(p.slice(1)).test(tag)) matched = false;
    } else if (filterPatternToRegExp(p).test(tag)) matched = true;
  }
  return matched;
}
