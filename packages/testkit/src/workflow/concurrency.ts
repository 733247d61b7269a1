/**
 * `concurrency:` of a workflow or job, honoured as an in-process lock per group: a second run (or job) with
 * the same group waits until the first finishes. `cancel-in-progress` is recorded but nothing is cancelled
 * (the later one waits instead). A job or called workflow asking for a group its own enclosing workflow
 * holds would wait for itself: the deadlock GitHub cancels; it fails here.
 */
import { evaluateString, type Scope } from './expressions.ts';
import type { Yaml } from './yaml.ts';
import type { RunState } from './types.ts';

const holders = new Map<string, Promise<void>>();

export interface Group {
  group: string;
  cancelInProgress: boolean;
}

export function evaluateGroup(raw: Yaml | undefined, scope: Scope): Group | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'object' && !Array.isArray(raw)) {
    const cancel = raw['cancel-in-progress'];
    const cancelInProgress = cancel === true || (typeof cancel === 'string' && evaluateString(cancel, scope, 'concurrency.cancel-in-progress') === 'true');
    return { group: evaluateString(raw.group, scope, 'concurrency.group'), cancelInProgress };
  }
  return { group: evaluateString(raw, scope, 'concurrency'), cancelInProgress: false };
}

/** Runs `fn` holding the group; `enclosing` are the groups the enclosing workflows of this run hold. */
export async function withGroup<T>(run: RunState, where: string, g: Group | undefined, enclosing: ReadonlySet<string>, fn: (held: ReadonlySet<string>) => Promise<T>): Promise<T> {
  if (!g) return fn(enclosing);
  const id = `${run.opts.repository}:${g.group}`;
  run.concurrency.push({ scope: where, group: g.group, cancelInProgress: g.cancelInProgress });
  if (enclosing.has(id)) throw new Error(`concurrency group "${g.group}" is held by the workflow that runs this one: a deadlock (GitHub cancels it)`);
  for (let h = holders.get(id); h; h = holders.get(id)) await h;
  let release!: () => void;
  holders.set(id, new Promise<void>((r) => (release = r)));
  try {
    return await fn(new Set([...enclosing, id]));
  } finally {
    holders.delete(id);
    release();
  }
}
