import type { Digest } from '../digest.ts';
import { type ImageName, byDigest } from '../image.ts';

/** `docker buildx imagetools create` argv: every tag, index annotations, sources by digest (never by tag). */
export interface ImagetoolsCreateOptions {
  image: ImageName;
  tags: readonly string[];
  annotations: Readonly<Record<string, string>>;
  sources: readonly Digest[];
  dryRun?: boolean;
  builder?: string;
}

export function imagetoolsCreateArgs(opts: ImagetoolsCreateOptions): string[] {
  const args = ['buildx', 'imagetools', 'create'];
  if (opts.builder) args.push(`--builder=${opts.builder}`);
  if (opts.dryRun) args.push('--dry-run');
  for (const t of opts.tags) args.push(`--tag=${opts.image.name}:${t}`);
  for (const [k, v] of Object.entries(opts.annotations).sort(([a], [b]) => a.localeCompare(b))) args.push(`--annotation=index:${k}=${v}`);
  args.push(...opts.sources.map((d) => byDigest(opts.image, d)));
  return args;
}
