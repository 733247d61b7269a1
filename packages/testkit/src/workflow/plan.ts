/** The static shape of a run: `needs` (checked, with ancestors for the status functions) and matrix expansion. */
import type { Json } from './expressions.ts';
import type { WorkflowDef } from './model.ts';
import { WorkflowError } from './yaml.ts';

/** Fails on a `needs` entry that is not a job of the workflow and on dependency cycles. */
export function checkNeeds(wf: WorkflowDef): void {
  for (const job of wf.jobs.values()) {
    for (const n of job.needs) if (!wf.jobs.has(n)) throw new WorkflowError(`needs "${n}", which is not a job of this workflow`, { file: wf.file, job: job.id });
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, trail: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw new WorkflowError(`dependency cycle: ${[...trail, id].join(' -> ')}`, { file: wf.file, job: id });
    state.set(id, 'visiting');
    for (const n of wf.jobs.get(id)?.needs ?? []) visit(n, [...trail, id]);
    state.set(id, 'done');
  };
  for (const id of wf.jobs.keys()) visit(id, []);
}

/** Every job `id` depends on, directly or not: GitHub's job-level status functions look at all of them. */
export function ancestors(wf: WorkflowDef, id: string): string[] {
  const seen = new Set<string>();
  const walk = (j: string) => {
    for (const n of wf.jobs.get(j)?.needs ?? []) {
      if (!seen.has(n)) {
        seen.add(n);
        walk(n);
      }
    }
  };
  walk(id);
  return [...seen];
}

/** Jobs in an order where each comes after everything it needs (the order they are reported in). */
export function topological(wf: WorkflowDef): string[] {
  const order: string[] = [];
  const add = (id: string) => {
    if (order.includes(id)) return;
    for (const n of wf.jobs.get(id)?.needs ?? []) add(n);
    order.push(id);
  };
  for (const id of wf.jobs.keys()) add(id);
  return order;
}

const same = (a: Json | undefined, b: Json | undefined): boolean => JSON.stringify(a) === JSON.stringify(b);
const isObject = (v: Json | undefined): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * GitHub's matrix expansion: the product of the dimensions, minus every `exclude` that matches (partially),
 * then each `include` entry is added to every original combination it does not contradict on an original
 * dimension, or becomes a combination of its own when it fits none.
 */
export function expandMatrix(matrix: Json, what: string): Array<Record<string, Json>> {
  if (!isObject(matrix)) throw new Error(`${what}: the matrix must be a mapping, got ${JSON.stringify(matrix)}`);
  const list = (key: string): Array<{ [key: string]: Json }> => {
    const v = matrix[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || !v.every(isObject)) throw new Error(`${what}: matrix.${key} must be a sequence of mappings, got ${JSON.stringify(v)}`);
    return v as Array<{ [key: string]: Json }>;
  };
  const dims = Object.keys(matrix).filter((k) => k !== 'include' && k !== 'exclude');
  let combos: Array<Record<string, Json>> = dims.length ? [{}] : [];
  for (const dim of dims) {
    const values = matrix[dim];
    if (!Array.isArray(values) || values.length === 0) throw new Error(`${what}: matrix.${dim} must be a non-empty sequence, got ${JSON.stringify(values)}`);
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [dim]: v })));
  }
  for (const ex of list('exclude')) combos = combos.filter((c) => !Object.entries(ex).every(([k, v]) => same(c[k], v)));
  const original = combos.length;
  for (const inc of list('include')) {
    let added = false;
    for (let i = 0; i < original; i++) {
      const c = combos[i] as Record<string, Json>;
      if (Object.entries(inc).every(([k, v]) => !dims.includes(k) || same(c[k], v))) {
        combos[i] = { ...c, ...inc };
        added = true;
      }
    }
    if (!added) combos.push({ ...inc });
  }
  if (combos.length === 0) throw new Error(`${what}: the matrix has no combinations (GitHub fails the job: "Matrix must define at least one vector")`);
  return combos;
}

/** GitHub's default display suffix of a matrix leg: its values, comma-separated. */
export function legSuffix(values: Record<string, Json>): string {
  return Object.values(values)
    .map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
    .join(', ');
}
