import { InputError } from './errors.ts';
import { type Digest, isDigest } from './digest.ts';

/** A repository name without tag or digest, e.g. ghcr.io/owner/app. */
export interface ImageName {
  /** As given (validated, not rewritten): what the user recognises in logs. */
  readonly name: string;
  /** Registry host[:port]; docker.io when the name has none. */
  readonly registry: string;
  /** Repository path inside the registry (library/ prefixed for official Docker Hub images). */
  readonly repository: string;
}

export interface ImageReference {
  readonly image: ImageName;
  readonly tag?: string;
  readonly digest?: Digest;
}

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const NAME = new RegExp(`^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)$`);
const TAG = /^[\w][\w.-]{0,127}$/;

const NAME_FIX = 'give an image name without tag or digest, lower-case, e.g. ghcr.io/owner/app';

/**
 * The distribution reference grammar's normalisation (docker/distribution reference.ParseNormalizedNamed): a first
 * component without ".", ":" or "localhost" is a Docker Hub path; docker.io and its legacy index.docker.io are one
 * registry; a one-component Docker Hub path is an official image under library/. So "alpine", "docker.io/alpine",
 * "index.docker.io/library/alpine" and "docker.io/library/alpine" all name one repository.
 */
function splitDomain(name: string): { registry: string; repository: string } {
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const hasDomain = slash !== -1 && (first.includes('.') || first.includes(':') || first === 'localhost' || /[A-Z]/.test(first));
  const registry = !hasDomain || first === 'index.docker.io' ? 'docker.io' : first;
  const path = hasDomain ? name.slice(slash + 1) : name;
  return { registry, repository: registry === 'docker.io' && !path.includes('/') ? `library/${path}` : path };
}

export function parseImageName(value: string, input = 'images'): ImageName {
  const name = value.trim();
  if (name === '') throw new InputError(input, 'contains an empty image name', NAME_FIX);
  if (name.startsWith('-')) throw new InputError(input, `"${name}" starts with "-"; image names never do`, NAME_FIX);
  if (name.includes('@')) throw new InputError(input, `"${name}" carries a digest`, `${NAME_FIX}; the digest comes from the build`);
  const { registry, repository } = splitDomain(name);
  if (/:[^/]*$/.test(repository) || (registry === 'docker.io' && /:/.test(name) && !name.includes('/'))) {
    throw new InputError(input, `"${name}" carries a tag`, `${NAME_FIX}; tags are computed by merge-manifest`);
  }
  if (/[A-Z]/.test(repository)) throw new InputError(input, `"${name}" has upper-case letters in its repository path`, NAME_FIX);
  if (!NAME.test(name) || name.length > 255) throw new InputError(input, `"${name}" is not a valid image name`, NAME_FIX);
  return { name, registry, repository };
}

/** registry/repository after normalisation: one string per repository, however the user spelled it. */
export function canonicalName(image: ImageName): string {
  return `${image.registry}/${image.repository}`;
}

/** Whether two names (or a name and a spelling of it, e.g. from a digest record) are the same repository. */
export function sameImage(a: ImageName, b: ImageName | string): boolean {
  if (typeof b !== 'string') return canonicalName(a) === canonicalName(b);
  try {
    return canonicalName(a) === canonicalName(parseImageName(b));
  } catch {
    return false;
  }
}

/** Parses a list of names; refuses duplicates, also when two spellings name one repository (alpine, docker.io/library/alpine). */
export function parseImageNames(values: readonly string[], input = 'images'): ImageName[] {
  if (values.length === 0) throw new InputError(input, 'is empty', `${NAME_FIX}; at least one`);
  const seen = new Map<string, string>();
  return values.map((v) => {
    const img = parseImageName(v, input);
    const key = canonicalName(img);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new InputError(input, earlier === img.name ? `lists "${img.name}" twice` : `lists "${earlier}" and "${img.name}", which name the same repository ${key}`, 'list each image name once');
    }
    seen.set(key, img.name);
    return img;
  });
}

/** Parses name[:tag][@digest]. */
export function parseImageReference(value: string, input = 'image'): ImageReference {
  const v = value.trim();
  const at = v.indexOf('@');
  let rest = v;
  let digest: Digest | undefined;
  if (at !== -1) {
    const d = v.slice(at + 1);
    if (!isDigest(d)) throw new InputError(input, `"${v}" has an invalid digest "${d}"`, 'use name@sha256:<64 hex characters> or name:tag');
    digest = d;
    rest = v.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new InputError(input, `"${v}" has an invalid tag "${tag}"`, 'tags are up to 128 characters of [A-Za-z0-9_.-], not starting with . or -');
  }
  const image = parseImageName(rest, input);
  if (!tag && !digest) tag = 'latest';
  return { image, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

export function formatReference(ref: ImageReference): string {
  return `${ref.image.name}${ref.tag && !ref.digest ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

export function byDigest(image: ImageName, digest: Digest): string {
  return `${image.name}@${digest}`;
}
