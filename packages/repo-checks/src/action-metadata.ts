/** The action.yml model the workflow rules check `with:` against, and the structure rules for our own actions. */
import { parse as parseYaml } from 'yaml';
import { type Finding, notYaml } from './findings.ts';
import { type Obj, asObj } from './yaml-values.ts';

export interface ActionInput {
  description?: string;
  required: boolean;
  hasDefault: boolean;
}

export interface ActionMetadata {
  inputs: Map<string, ActionInput>;
}

const isRequired = (def: Obj): boolean => def.required === true || def.required === 'true';
const undocumented = (def: Obj): boolean => typeof def.description !== 'string' || def.description.trim() === '';

/** Reads the inputs of an action.yml. */
export function parseActionMetadata(source: string): ActionMetadata {
  const doc = asObj(parseYaml(source));
  const inputs = new Map<string, ActionInput>();
  for (const [id, def] of Object.entries(asObj(doc.inputs))) {
    const d = asObj(def);
    inputs.set(id, { required: isRequired(d), hasDefault: 'default' in d, ...(typeof d.description === 'string' ? { description: d.description } : {}) });
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
    return [notYaml(file, error)];
  }
  if (typeof doc.name !== 'string' || doc.name.trim() === '') add('has no name');
  if (typeof doc.description !== 'string' || doc.description.trim() === '') add('has no description');
  const runs = asObj(doc.runs);
  if (runs.using !== 'node24') add(`runs.using is ${JSON.stringify(runs.using)}, expected node24`);
  if (runs.main !== 'dist/index.js') add(`runs.main is ${JSON.stringify(runs.main)}, expected dist/index.js`);
  for (const [id, def] of Object.entries(asObj(doc.inputs))) {
    const d = asObj(def);
    if (undocumented(d)) add(`input "${id}" has no description`);
    if (isRequired(d) && 'default' in d) add(`input "${id}" is required but has a default (a default makes "required" meaningless)`);
  }
  for (const [id, def] of Object.entries(asObj(doc.outputs))) {
    if (undocumented(asObj(def))) add(`output "${id}" has no description`);
  }
  return findings;
}
