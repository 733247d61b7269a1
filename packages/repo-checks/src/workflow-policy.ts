/**
 * Our own policy over the GitHub Actions workflows (and the action.yml files they reference): the rules
 * actionlint and the workflow schema do not know. Every check is a pure function of YAML text, so tests
 * can feed it small bad snippets. This module walks a workflow and asks each rule module about its part.
 */
import { parse as parseYaml } from 'yaml';
import { type Finding, type RuleId, notYaml } from './findings.ts';
import { checkWith, checkWorkflowCall } from './input-rules.ts';
import { checkJobPermissions, checkTopPermissions } from './permission-rules.ts';
import { checkPin } from './pin-rules.ts';
import type { PolicyContext } from './policy-context.ts';
import { ALLOWED_RUNNERS, checkRunnersInputDefault, checkRunsOn } from './runner-rules.ts';
import { untrustedExpressions } from './untrusted-expressions.ts';
import { type Obj, asArray, asObj, isObj, str } from './yaml-values.ts';

/** step-security/harden-runner must come first, so that it watches every later step's network traffic. */
function checkHardenRunnerFirst(steps: readonly Obj[]): string | undefined {
  const first = steps[0];
  const firstUses = first ? str(first.uses) : undefined;
  if (!firstUses || !firstUses.startsWith('step-security/harden-runner@')) {
    return `the first step is ${firstUses ?? (first ? 'a run: step' : 'missing')}, not step-security/harden-runner`;
  }
  const policy = str(asObj(first!.with)['egress-policy']);
  return policy !== 'audit' && policy !== 'block' ? `harden-runner has egress-policy ${JSON.stringify(policy)}; use audit or block` : undefined;
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
    return [notYaml(file, error)];
  }
  const findings: Finding[] = [];
  const add = (rule: RuleId, message: string, job?: string) => findings.push({ file, rule, message, ...(job !== undefined ? { job } : {}) });
  const pin = (uses: string, jobId: string) => {
    const finding = checkPin(file, source, uses, jobId);
    if (finding) findings.push(finding);
  };

  for (const { rule, message } of checkTopPermissions(doc)) add(rule, message);
  for (const problem of checkRunnersInputDefault(asObj(doc.on), allowed)) add('runner-label', problem);

  const jobs = asObj(doc.jobs);
  if (Object.keys(jobs).length === 0) add('yaml', 'has no jobs');
  for (const [jobId, rawJob] of Object.entries(jobs)) {
    const job = asObj(rawJob);
    for (const { rule, message } of checkJobPermissions(job, ctx)) add(rule, message, jobId);
    for (const problem of checkRunsOn(job, allowed)) add('runner-label', problem, jobId);

    // A reusable workflow call has no steps of its own: its pin and its inputs are all there is to check.
    if (typeof job.uses === 'string') {
      pin(job.uses, jobId);
      findings.push(...checkWorkflowCall(file, jobId, job, ctx));
      continue;
    }

    const steps = asArray(job.steps).map(asObj);
    const harden = checkHardenRunnerFirst(steps);
    if (harden) add('harden-runner-first', harden, jobId);

    steps.forEach((step, i) => {
      const where = `step ${i + 1}${typeof step.name === 'string' ? ` (${step.name})` : ''}`;
      if (typeof step.uses === 'string') pin(step.uses, jobId);
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
