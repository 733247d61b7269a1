import { InputError } from './errors.ts';

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

const OSES = new Set(['linux', 'windows', 'darwin', 'freebsd', 'netbsd', 'openbsd', 'illumos', 'solaris', 'aix', 'plan9', 'wasip1', 'js']);
const ARCHES = new Set(['amd64', 'arm64', 'arm', '386', 'ppc64le', 'ppc64', 's390x', 'riscv64', 'mips64le', 'mips64', 'mipsle', 'mips', 'loong64', 'wasm']);
const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', i386: '386', i686: '386', armhf: 'arm', armel: 'arm' };
const DEFAULT_VARIANT: Record<string, string> = { armhf: 'v7', armel: 'v6' };

const FIX = 'give exactly one platform as os/arch[/variant], e.g. linux/amd64, linux/arm64 or linux/arm/v7';

/** Parses and normalises one platform the way containerd does (linux/arm64/v8 -> linux/arm64, linux/arm -> linux/arm/v7). */
export function parsePlatform(value: string, input = 'platform'): Platform {
  const raw = value.trim();
  if (raw === '') throw new InputError(input, 'is empty', FIX);
  if (/[,\s]/.test(raw)) throw new InputError(input, `"${raw}" is a list; this input takes exactly one platform`, `${FIX}; run one matrix leg per platform`);
  const parts = raw.toLowerCase().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) throw new InputError(input, `"${raw}" is not os/arch[/variant]`, FIX);
  const [os, rawArch, rawVariant] = parts as [string, string, string | undefined];
  if (!OSES.has(os)) throw new InputError(input, `"${raw}" has an unknown operating system "${os}"`, FIX);
  const architecture = ARCH_ALIASES[rawArch] ?? rawArch;
  if (!ARCHES.has(architecture)) throw new InputError(input, `"${raw}" has an unknown architecture "${rawArch}"`, FIX);
  let variant = rawVariant ?? DEFAULT_VARIANT[rawArch];
  if (variant !== undefined && !/^v[0-9]+$/.test(variant)) throw new InputError(input, `"${raw}" has an invalid variant "${variant}"`, FIX);
  if (architecture === 'arm64' && variant === 'v8') variant = undefined;
  if (architecture === 'arm' && variant === undefined) variant = 'v7';
  if (architecture === 'amd64' && variant === 'v1') variant = undefined;
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}

/** Parses a list of platforms; refuses duplicates (after normalisation). */
export function parsePlatforms(values: readonly string[], input = 'platforms'): Platform[] {
  if (values.length === 0) throw new InputError(input, 'is empty', 'list the platforms, e.g. linux/amd64,linux/arm64');
  const seen = new Map<string, string>();
  const out: Platform[] = [];
  for (const v of values) {
    const p = parsePlatform(v, input);
    const key = formatPlatform(p);
    const earlier = seen.get(key);
    if (earlier !== undefined) throw new InputError(input, `lists ${key} twice ("${earlier}" and "${v.trim()}")`, 'list each platform once');
    seen.set(key, v.trim());
    out.push(p);
  }
  return out;
}

export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

/** linux/arm/v7 -> linux-arm-v7: safe in artifact names, cache scopes and file names. */
export function platformSlug(p: Platform): string {
  return formatPlatform(p).replace(/\//g, '-');
}

/** Reads an OCI descriptor/config platform object leniently (arm64 may carry variant v8). */
export function platformFromOci(p: { os?: string; architecture?: string; variant?: string } | undefined): Platform | undefined {
  if (!p?.os || !p.architecture) return undefined;
  if (p.os === 'unknown' && p.architecture === 'unknown') return { os: 'unknown', architecture: 'unknown' };
  try {
    return parsePlatform(`${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`);
  } catch {
    return { os: p.os, architecture: p.architecture, ...(p.variant ? { variant: p.variant } : {}) };
  }
}
