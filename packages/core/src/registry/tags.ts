/** tags/list with Link pagination. */
import type { ImageName } from '../image.ts';
import { repositoryScope } from './auth.ts';
import { PULL, type RegistrySession, header, toImage } from './call.ts';
import { RegistryError, parseRegistryErrorBody, summariseRegistryErrors } from './errors.ts';
import { errorFromResponse } from './response-error.ts';

export async function listTags(s: RegistrySession, image: ImageName | string): Promise<string[]> {
  const img = toImage(image);
  const tags: string[] = [];
  // A registry that links back to a page already read would otherwise keep us paging until the page cap.
  const seen = new Set<string>();
  let target: string | URL = `/v2/${img.repository}/tags/list`;
  for (let page = 0; page < 10_000; page++) {
    const res = await s.call({
      image: img,
      operation: 'GET tags/list',
      method: 'GET',
      target,
      scopes: [repositoryScope(img.repository, PULL)],
      ok: [200, 404],
      maxResponseBytes: 32 * 1024 * 1024,
      followRedirects: true,
    });
    if (res.status === 404) {
      const { code } = summariseRegistryErrors(parseRegistryErrorBody(res.body));
      if (code === undefined || code === 'NAME_UNKNOWN') return tags;
      throw errorFromResponse(img, 'GET tags/list', res);
    }
    let json: { tags?: unknown };
    try {
      json = JSON.parse(res.body.toString('utf8')) as typeof json;
    } catch {
      throw new RegistryError({ registry: img.registry, repository: img.repository, operation: 'GET tags/list', detail: 'the answer is not JSON' });
    }
    if (Array.isArray(json.tags)) for (const t of json.tags) if (typeof t === 'string') tags.push(t);
    const next = nextLink(header(res, 'link'));
    if (!next) return tags;
    const url = new URL(next, res.url);
    if (seen.has(url.href)) return tags;
    seen.add(url.href);
    target = url;
  }
  return tags;
}

/** The rel="next" target of a Link header. */
export function nextLink(link: string | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(/,(?=\s*<)/)) {
    const m = /<([^>]*)>(.*)/.exec(part.trim());
    if (m && /;\s*rel="?([^";]*\s)?next(\s[^";]*)?"?/i.test(m[2] ?? '')) return m[1];
  }
  return undefined;
}
