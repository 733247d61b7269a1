/** Human-readable numbers and digests for logs and summaries. */

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** sha256: and the first 12 hex characters. */
export function shortDigest(digest: string): string {
  return digest.replace(/^(sha256:[a-f0-9]{12})[a-f0-9]+$/, '$1…');
}
