import type { ImageName } from '../image.ts';

/*
 * How each consumer names an image repository when it decides whether a policy applies. A pattern that misses a
 * spelling the consumer sees leaves that spelling unchecked, so every spelling the consumer can produce is listed.
 * Only Docker Hub has several spellings; ghcr.io/owner/app and localhost:5000/x/y have one.
 */

function isDockerHub(image: ImageName): boolean {
  return image.registry === 'docker.io';
}

/**
 * containers/image scopes (containers-policy.json, registries.d): the normalized name, docker.io/library/x for
 * official images (c/image parses with reference.ParseNormalizedNamed before it looks scopes up).
 */
export function containersScope(image: ImageName): string {
  return `${image.registry}/${image.repository}`;
}

/**
 * Names Kyverno matches imageReferences / matchImageReferences against. ClusterPolicy matches ImageInfo.String()
 * (registry/path:tag or registry/path@digest; pkg/utils/image/infos.go parses with reference.Parse, which does not
 * add library/, and drops the registry when default-registry mutation is off); ImageValidatingPolicy matches the
 * image string as written in the pod. So a Docker Hub repository is listed with and without docker.io /
 * index.docker.io and, for official images, with and without library/.
 */
export function kyvernoNames(image: ImageName): string[] {
  if (!isDockerHub(image)) return [`${image.registry}/${image.repository}`];
  const paths = [image.repository];
  if (image.repository.startsWith('library/')) paths.push(image.repository.slice('library/'.length));
  const out: string[] = [];
  for (const prefix of ['docker.io/', 'index.docker.io/', '']) for (const p of paths) out.push(`${prefix}${p}`);
  return out;
}

/** Kyverno wildcards for every tag and digest of the repository (`*` matches any characters, whole-string match). */
export function kyvernoImageReferences(images: readonly ImageName[]): string[] {
  return images.flatMap((i) => kyvernoNames(i).flatMap((n) => [`${n}:*`, `${n}@*`]));
}

/**
 * policy-controller globs: it matches against go-containerregistry's ref.Name() (index.docker.io/library/x for
 * Docker Hub, the tag or digest included; pkg/apis/glob), where `*` is [^/]* and the glob is anchored.
 */
export function policyControllerGlobs(images: readonly ImageName[]): string[] {
  return images.flatMap((i) => {
    const name = isDockerHub(i) ? `index.docker.io/${i.repository}` : `${i.registry}/${i.repository}`;
    return [`${name}:*`, `${name}@*`];
  });
}
