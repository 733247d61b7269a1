/**
 * The contract between the request path (session.ts) and the registry operations (manifests.ts, blobs.ts, tags.ts):
 * an operation describes a request as a Call and a RegistrySession runs it, so that endpoints, auth, redirects and
 * connections stay in one place.
 */
import type { Action } from './auth.ts';
import { type ImageName, parseImageName } from '../image.ts';
import type { BodySource, HttpResponse } from './transport.ts';

export interface Call {
  readonly image: { registry: string; repository?: string };
  readonly operation: string;
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  /** Path under the registry's base (e.g. /v2/app/manifests/latest), or an absolute URL (upload Location, Link). */
  readonly target: string | URL;
  readonly scopes: readonly string[];
  readonly headers?: Record<string, string>;
  readonly body?: BodySource;
  /** Statuses that are an answer rather than a failure. */
  readonly ok: readonly number[];
  readonly maxResponseBytes?: number;
  readonly followRedirects?: boolean;
}

/** The per-run request path as the operations see it. */
export interface RegistrySession {
  /** One logical request, retried on transient failures. */
  call(c: Call): Promise<HttpResponse>;
  /** One attempt, no retries: a step of a unit that is retried as a whole, or a cleanup that may fail. */
  send(c: Call): Promise<HttpResponse>;
  /** Retries a unit of several requests (an upload's POST and PUT) under the run's retry policy. */
  retry<T>(fn: () => Promise<T>): Promise<T>;
  /** Resolves the registry's scheme and auth challenge (cached per registry); returns its base URL. */
  ping(registry: string): Promise<URL>;
  /** Drops keep-alive connections. */
  close(): void;
  /** For what an operation works around rather than fails on (a refused mount, a cancel that did not go through). */
  readonly log: (line: string) => void;
}

/** Cap for answers small by nature (/v2/, tokens, upload starts, PUT answers, error bodies): a misbehaving server cannot make us buffer much. */
export const MAX_SMALL_RESPONSE = 1024 * 1024;

export const PULL: readonly Action[] = ['pull'];
export const PUSH: readonly Action[] = ['pull', 'push'];

export function toImage(image: ImageName | string): ImageName {
  return typeof image === 'string' ? parseImageName(image, 'image') : image;
}

export function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
