/**
 * Calls into our own code must fit its declared interface: `with:` keys an action or reusable workflow declares,
 * every required input given, and (for workflows) the declared secrets. GitHub only notices these at run time.
 */
import type { Finding } from './findings.ts';
import { type PolicyContext, calledWorkflow } from './policy-context.ts';
import { ourAction, ourWorkflow } from './uses-ref.ts';
import { type Obj, asObj, isTrue, str } from './yaml-values.ts';

/** A step's `with:` against the action.yml of the action it uses, when that is ours. */
export function checkWith(file: string, jobId: string, step: Obj, where: string, ctx: PolicyContext): Finding[] {
  const uses = str(step.uses);
  const ref = ourAction(uses);
  if (!uses || !ref) return [];
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

/** A job's `with:` and `secrets:` against the on.workflow_call of the reusable workflow it calls, when that is ours. */
export function checkWorkflowCall(file: string, jobId: string, job: Obj, ctx: PolicyContext): Finding[] {
  const uses = str(job.uses);
  const ref = ourWorkflow(uses);
  if (!uses || !ref) return [];
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
