/**
 * Which runners a job may land on. Labels come from runs-on, a matrix, or the `runners` input of a reusable
 * workflow; an expression is only trusted when it reads the prepare job's outputs, which the policy checks in turn.
 */
import { asArray, asObj, isObj, type Obj, str } from './yaml-values.ts';

export const ALLOWED_RUNNERS: readonly string[] = ['ubuntu-latest', 'ubuntu-24.04', 'ubuntu-24.04-arm'];
/** The job whose outputs may feed a matrix (and therefore runs-on). */
export const PREPARE_JOB = 'prepare';

function runnerLabels(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (isObj(value)) return value.labels !== undefined ? runnerLabels(value.labels) : [];
  return [value];
}

const PREPARE_EXPRESSION = new RegExp(`^\\$\\{\\{\\s*fromJSON\\(\\s*needs\\.${PREPARE_JOB}\\.outputs\\.[A-Za-z0-9_-]+\\s*\\)\\s*\\}\\}$`, 'i');

/** Runner labels a job can land on, as far as they can be read statically; problems as messages. */
export function checkRunsOn(job: Obj, allowed: readonly string[]): string[] {
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
export function checkRunnersInputDefault(on: Obj, allowed: readonly string[]): string[] {
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
