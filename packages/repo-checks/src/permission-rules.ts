/**
 * Least privilege: permissions: {} at the top, explicit scopes per job, and the two powerful scopes only where the
 * job does what needs them (an OIDC token to sign, packages: write to push), following calls to our reusable
 * workflows to see what a calling job really does.
 */
import type { Finding } from './findings.ts';
import { type PolicyContext, calledWorkflow } from './policy-context.ts';
import { ourAction } from './uses-ref.ts';
import { type Obj, asArray, asObj, isFalse, isObj, isTrue, str } from './yaml-values.ts';

type RuleMessage = { rule: Finding['rule']; message: string };

interface JobFacts {
  signs: boolean;
  pushes: boolean;
}

function stepFacts(step: Obj): JobFacts {
  const ref = ourAction(str(step.uses));
  if (!ref) return { signs: false, pushes: false };
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
  const merge = (f: JobFacts) => {
    facts.signs ||= f.signs;
    facts.pushes ||= f.pushes;
  };
  for (const s of asArray(job.steps)) merge(stepFacts(asObj(s)));
  const uses = str(job.uses);
  if (uses && depth < 4) {
    const called = calledWorkflow(uses, ctx);
    if (called) for (const j of Object.values(asObj(called.jobs))) merge(jobFacts(asObj(j), ctx, depth + 1));
  }
  return facts;
}

function permissionOf(perms: unknown, scope: string): string | undefined {
  if (perms === 'write-all') return 'write';
  if (perms === 'read-all') return 'read';
  return str(asObj(perms)[scope]);
}

/** Top-level permissions: {} (every job then asks for exactly what it needs). */
export function checkTopPermissions(doc: Obj): RuleMessage[] {
  const top = doc.permissions;
  if (top === undefined) return [{ rule: 'top-permissions', message: 'has no top-level permissions; use permissions: {}' }];
  if (!isObj(top) || Object.keys(top).length > 0) return [{ rule: 'top-permissions', message: `top-level permissions are ${JSON.stringify(top)}; use permissions: {}` }];
  return [];
}

/** One job's permissions: explicit, and no id-token or packages write the job has no use for. */
export function checkJobPermissions(job: Obj, ctx: PolicyContext): RuleMessage[] {
  const problems: RuleMessage[] = [];
  const perms = job.permissions;
  if (perms === undefined) problems.push({ rule: 'job-permissions', message: 'has no explicit permissions' });
  else if (!isObj(perms)) problems.push({ rule: 'job-permissions', message: `permissions "${String(perms)}" is not an explicit list of scopes` });

  const facts = jobFacts(job, ctx);
  if (permissionOf(perms, 'id-token') === 'write' && !facts.signs) {
    problems.push({ rule: 'id-token-scope', message: 'has id-token: write but does not sign (only a job that uses sign-recursive may get an OIDC token)' });
  }
  if (permissionOf(perms, 'packages') === 'write' && !facts.pushes) {
    problems.push({ rule: 'packages-write-scope', message: 'has packages: write but pushes nothing (build-by-digest with push, merge-manifest, sign-recursive)' });
  }
  return problems;
}
