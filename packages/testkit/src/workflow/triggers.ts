/**
 * The event that starts the top-level workflow. Only `push` (a branch or a tag) is implemented; its
 * branch/tag filters are checked the way GitHub matches them, so a tag the workflow would never run for fails
 * loudly instead of running anyway.
 */
import type { Json } from './expressions.ts';
import type { WorkflowDef } from './model.ts';
import { WorkflowError, type Yaml } from './yaml.ts';

export interface PushEvent {
  name: 'push';
  /** refs/tags/<tag> or refs/heads/<branch>. */
  ref: string;
  /** 40 hex digits. */
  sha: string;
  /** Replaces the default payload (written to GITHUB_EVENT_PATH, github.event). */
  payload?: { [key: string]: Json };
  /** github.actor (default: the repository owner). */
  actor?: string;
}

export type TriggerEvent = PushEvent;

const escape = (c: string) => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** GitHub's filter pattern syntax: * (not /), **, ? and + (on the previous character), [...], \ escapes. */
export function filterRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && i + 1 < pattern.length) re += escape(pattern[++i] as string);
    else if (c === '*' && pattern[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?' || c === '+') re += c;
    else if (c === '[' && pattern.indexOf(']', i) > i) {
      const end = pattern.indexOf(']', i);
      re += pattern.slice(i, end + 1);
      i = end;
    } else re += escape(c);
  }
  return new RegExp(`^${re}$`);
}

/** A list of patterns where a later `!pattern` can exclude what an earlier one matched, as GitHub applies them. */
export function filterMatches(patterns: readonly string[], value: string): boolean {
  let matched = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (filterRegExp(p.slice(1)).test(value)) matched = false;
    } else if (filterRegExp(p).test(value)) matched = true;
  }
  return matched;
}

const strings = (v: Yaml | undefined): string[] | undefined => (v === undefined || v === null ? undefined : (Array.isArray(v) ? v : [v]).map(String));

/** Fails unless GitHub would start `wf` for `event`. */
export function checkTrigger(wf: WorkflowDef, event: TriggerEvent): void {
  const where = { file: wf.file };
  if (event.name !== 'push') throw new WorkflowError(`event ${String((event as { name: unknown }).name)}: only push is implemented`, where);
  if (!(event.name in wf.on)) throw new WorkflowError(`the workflow has no \`on: ${event.name}\` (it has: ${Object.keys(wf.on).join(', ')})`, where);
  const cfg = wf.on.push;
  if (cfg === null || cfg === undefined) return;
  if (typeof cfg !== 'object' || Array.isArray(cfg)) throw new WorkflowError('on.push must be a mapping', where);
  const unsupported = Object.keys(cfg).filter((k) => !['tags', 'tags-ignore', 'branches', 'branches-ignore'].includes(k));
  if (unsupported.length) throw new WorkflowError(`on.push: ${unsupported.join(', ')} not supported locally (there is no diff to match paths against)`, where);
  const m = /^refs\/(tags|heads)\/(.+)$/.exec(event.ref);
  if (!m) throw new WorkflowError(`push ref ${event.ref} is neither refs/tags/… nor refs/heads/…`, where);
  const [kind, other] = m[1] === 'tags' ? (['tags', 'branches'] as const) : (['branches', 'tags'] as const);
  const only = strings(cfg[kind]);
  const ignore = strings(cfg[`${kind}-ignore`]);
  const runs = only ? filterMatches(only, m[2] as string) : ignore ? !filterMatches(ignore, m[2] as string) : cfg[other] === undefined && cfg[`${other}-ignore`] === undefined;
  if (!runs) throw new WorkflowError(`GitHub would not start this workflow for a push of ${event.ref} (on.push: ${JSON.stringify(cfg)})`, where);
}

/** The push payload GitHub sends (the fields workflows read), unless the caller gives one. */
export function eventPayload(event: TriggerEvent, repository: string, actor: string): { [key: string]: Json } {
  if (event.payload) return event.payload;
  const [owner = '', name = ''] = repository.split('/');
  return {
    ref: event.ref,
    before: '0'.repeat(40),
    after: event.sha,
    created: true,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `https://github.com/${repository}/compare/${event.ref.replace(/^refs\/(tags|heads)\//, '')}`,
    commits: [],
    head_commit: { id: event.sha, tree_id: event.sha, distinct: true, message: 'local run' },
    pusher: { name: actor, email: `${actor}@users.noreply.github.com` },
    repository: { name, full_name: repository, owner: { login: owner, name: owner }, private: false, default_branch: 'main' },
    sender: { login: actor, type: 'User' },
  };
}
