import { readFileSync } from 'node:fs';

/** The parts of a GitHub event payload (the JSON at GITHUB_EVENT_PATH) this suite reads. Everything is optional. */
export interface GitHubEventRepository {
  name?: string;
  full_name?: string;
  html_url?: string;
  default_branch?: string;
  description?: string | null;
  license?: { key?: string; spdx_id?: string | null; name?: string } | null;
  /** ISO 8601 string in most events, Unix seconds (a number) in push events. */
  pushed_at?: string | number | null;
  owner?: { login?: string };
  /** true for private (and internal) repositories. */
  private?: boolean;
  /** public, private or internal. */
  visibility?: string;
}

export interface GitHubEventPayload {
  repository?: GitHubEventRepository;
  /** Push events only; null when a branch or tag is deleted. */
  head_commit?: { id?: string; timestamp?: string } | null;
  pull_request?: { number?: number; head?: { sha?: string; ref?: string }; base?: { sha?: string; ref?: string } };
  inputs?: Record<string, unknown> | null;
  [key: string]: unknown;
}

export interface GitHubContext {
  /** GITHUB_ACTIONS=true. */
  actions: boolean;
  /** GITHUB_SERVER_URL without a trailing slash. */
  serverUrl?: string;
  /** owner/repo: GITHUB_REPOSITORY, else the payload's repository.full_name. */
  repository?: string;
  owner?: string;
  repo?: string;
  sha?: string;
  ref?: string;
  refName?: string;
  eventName?: string;
  runId?: string;
  runAttempt?: string;
  job?: string;
  workflowRef?: string;
  eventPath?: string;
  /** The event payload, when GITHUB_EVENT_PATH names a readable JSON object. */
  event?: GitHubEventPayload;
  /** repository.default_branch from the payload. */
  defaultBranch?: string;
  /** public, private or internal: repository.visibility, else private: true means private. */
  visibility?: string;
  /** Why something is missing (unreadable or malformed payload); for the log. */
  notes: string[];
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

const readUtf8 = (p: string): string => readFileSync(p, 'utf8');

/**
 * Reads the GITHUB_* environment and the event payload. Lenient: outside Actions every field may be missing.
 * Pure given `env` and `readFile`.
 */
export function readGitHubContext(env: NodeJS.ProcessEnv, readFile: (path: string) => string = readUtf8): GitHubContext {
  const notes: string[] = [];
  const eventPath = nonEmpty(env.GITHUB_EVENT_PATH);
  let event: GitHubEventPayload | undefined;
  if (eventPath !== undefined) {
    let text: string | undefined;
    try {
      text = readFile(eventPath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException | undefined)?.code;
      if (code !== 'ENOENT') notes.push(`GITHUB_EVENT_PATH ${eventPath} could not be read (${error instanceof Error ? error.message : String(error)}); the event payload is ignored.`);
    }
    if (text !== undefined) {
      try {
        const parsed: unknown = JSON.parse(text);
        if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) event = parsed as GitHubEventPayload;
        else notes.push(`GITHUB_EVENT_PATH ${eventPath} does not hold a JSON object; the event payload is ignored.`);
      } catch {
        notes.push(`GITHUB_EVENT_PATH ${eventPath} is not valid JSON; the event payload is ignored.`);
      }
    }
  }

  const repository = nonEmpty(env.GITHUB_REPOSITORY) ?? nonEmpty(typeof event?.repository?.full_name === 'string' ? event.repository.full_name : undefined);
  const slash = repository?.indexOf('/') ?? -1;
  const owner = repository !== undefined && slash > 0 ? repository.slice(0, slash) : undefined;
  const repo = repository !== undefined && slash > 0 ? repository.slice(slash + 1) : undefined;
  const defaultBranch = typeof event?.repository?.default_branch === 'string' ? nonEmpty(event.repository.default_branch) : undefined;

  const ctx: GitHubContext = { actions: env.GITHUB_ACTIONS === 'true', notes };
  const set = <K extends keyof GitHubContext>(key: K, value: GitHubContext[K] | undefined) => {
    if (value !== undefined) ctx[key] = value;
  };
  set('serverUrl', nonEmpty(env.GITHUB_SERVER_URL)?.replace(/\/+$/, ''));
  set('repository', repository);
  set('owner', owner);
  set('repo', repo);
  set('sha', nonEmpty(env.GITHUB_SHA));
  set('ref', nonEmpty(env.GITHUB_REF));
  set('refName', nonEmpty(env.GITHUB_REF_NAME));
  set('eventName', nonEmpty(env.GITHUB_EVENT_NAME));
  set('runId', nonEmpty(env.GITHUB_RUN_ID));
  set('runAttempt', nonEmpty(env.GITHUB_RUN_ATTEMPT));
  set('job', nonEmpty(env.GITHUB_JOB));
  set('workflowRef', nonEmpty(env.GITHUB_WORKFLOW_REF));
  set('eventPath', eventPath);
  set('event', event);
  set('defaultBranch', defaultBranch);
  const payloadRepo = event?.repository;
  set('visibility', typeof payloadRepo?.visibility === 'string' ? payloadRepo.visibility : payloadRepo?.private === true ? 'private' : payloadRepo?.private === false ? 'public' : undefined);
  return ctx;
}
