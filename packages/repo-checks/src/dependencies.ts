/**
 * Declared dependencies against what the code imports: a dependency nobody imports is dead weight
 * in every install and every licence list; an import nobody declares works only by npm's hoisting.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface Workspace {
  /** Directory relative to the repository root. */
  dir: string;
  name: string;
  dependencies: string[];
  devDependencies: string[];
  /** Package names imported from the workspace's sources (src/, or the whole folder when it has none). */
  imports: Map<string, string[]>;
}

const IMPORT_RE = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;(])import\s*\(?\s*['"]([^'"]+)['"]/gm;

/** The package a bare specifier names (`@scope/pkg/sub` -> `@scope/pkg`); undefined for relative and node: specifiers. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  if (!/^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(?:\/[\w./-]*)?$/.test(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Package names a source text imports (static, re-exports, dynamic `import('x')` and side-effect `import 'x'`). */
export function importedPackages(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(IMPORT_RE)) {
    const pkg = packageOf(m[1] ?? m[2] ?? '');
    if (pkg !== undefined) found.add(pkg);
  }
  return [...found].sort();
}

export interface DependencyProblem {
  workspace: string;
  message: string;
}

/**
 * Every runtime dependency a workspace declares is imported by its sources, and every package its
 * sources import is declared by it (or, for test-support workspaces, by the root's devDependencies).
 */
export function dependencyProblems(workspaces: readonly Workspace[], rootDevDependencies: readonly string[], testOnly: (ws: Workspace) => boolean): DependencyProblem[] {
  const problems: DependencyProblem[] = [];
  const names = new Set(workspaces.map((w) => w.name));
  for (const ws of workspaces) {
    for (const dep of ws.dependencies) {
      if (!ws.imports.has(dep)) problems.push({ workspace: ws.dir, message: `declares the dependency ${dep} but nothing in ${ws.dir} imports it: use it or remove it from ${ws.dir}/package.json` });
    }
    const declared = new Set([...ws.dependencies, ...ws.devDependencies, ...(testOnly(ws) ? rootDevDependencies : []), ...names]);
    for (const [pkg, files] of ws.imports) {
      if (!declared.has(pkg)) problems.push({ workspace: ws.dir, message: `${files[0]} imports ${pkg}, which ${ws.dir}/package.json does not declare` });
    }
  }
  return problems;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(?:ts|mts|mjs|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

interface PackageJson {
  name?: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const readJson = (file: string): PackageJson => JSON.parse(readFileSync(file, 'utf8')) as PackageJson;

/** Reads the root package.json's workspaces and what each one's sources import. */
export function readWorkspaces(root: string): { workspaces: Workspace[]; rootDevDependencies: string[] } {
  const rootPkg = readJson(path.join(root, 'package.json'));
  const workspaces = (rootPkg.workspaces ?? []).map((dir): Workspace => {
    const pkg = readJson(path.join(root, dir, 'package.json'));
    const srcDir = path.join(root, dir, 'src');
    const scanned = statSync(srcDir, { throwIfNoEntry: false })?.isDirectory() ? srcDir : path.join(root, dir);
    const imports = new Map<string, string[]>();
    for (const file of sourceFiles(scanned)) {
      for (const pkgName of importedPackages(readFileSync(file, 'utf8'))) {
        const rel = path.relative(root, file);
        imports.set(pkgName, [...(imports.get(pkgName) ?? []), rel]);
      }
    }
    return { dir, name: pkg.name ?? dir, dependencies: Object.keys(pkg.dependencies ?? {}), devDependencies: Object.keys(pkg.devDependencies ?? {}), imports };
  });
  return { workspaces, rootDevDependencies: Object.keys(rootPkg.devDependencies ?? {}) };
}
