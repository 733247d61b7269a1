// Bundles each action into actions/<name>/dist/index.js (ESM, runs with plain node, no node_modules), with code
// loaded by dynamic import() in dist/chunks/, plus dist/licenses.txt and a dist/package.json marking the bundle as ESM.
import { build } from 'esbuild';
import { readFile, writeFile, mkdir, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinModules } from 'node:module';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);
const actions = (await readdir(path.join(root, 'actions'), { withFileTypes: true }))
  .filter((d) => d.isDirectory() && existsSync(path.join(root, 'actions', d.name, 'action.yml')))
  .map((d) => d.name)
  .filter((name) => only.length === 0 || only.includes(name))
  .sort();

// ESM-only @actions/* packages still reach CommonJS code (Azure SDK) that calls require().
const banner = [
  "import { createRequire as __moamCreateRequire } from 'node:module';",
  'const require = __moamCreateRequire(import.meta.url);',
].join('\n');

// Node's built-ins through require() instead of ESM import: an ESM `import 'node:http'` makes Node build its ESM
// facade of the module at start (~35 ms on Node 24, scripts/bench/RESULTS.md), require() hands over the object.
const builtins = new Set(builtinModules);
const requireBuiltins = {
  name: 'require-builtins',
  setup(b) {
    b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
      const bare = args.path.replace(/^node:/, '');
      if (args.kind !== 'import-statement' || !builtins.has(bare)) return undefined;
      return { path: bare, namespace: 'require-builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'require-builtin' }, async (args) => {
      const names = Object.keys(await import(`node:${args.path}`)).filter((n) => n !== 'default' && /^[A-Za-z_$][\w$]*$/.test(n));
      return { contents: `const m = require('node:${args.path}');\nexport default m;\nexport const { ${names.join(', ')} } = m;\n`, loader: 'js' };
    });
  },
};

// @actions/core imports its OIDC client (and with it @actions/http-client and undici, most of a bundle) at start,
// though only getIDToken uses it: it is loaded on that call instead. core's own code is unchanged; the shim only
// defers the module.
const lazyOidc = {
  name: 'lazy-oidc',
  setup(b) {
    b.onResolve({ filter: /^\.\/oidc-utils\.js$/ }, (args) => {
      // The shim's own import of the real module resolves normally.
      if (args.namespace === 'lazy-oidc' || !/[\\/]@actions[\\/]core[\\/]lib[\\/]/.test(args.importer)) return undefined;
      // Named relative to the repository so the bundle is the same from any checkout.
      return { path: path.relative(root, path.join(path.dirname(args.importer), 'oidc-utils.js')), namespace: 'lazy-oidc' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-oidc' }, (args) => ({
      contents: 'export class OidcClient {\n  static async getIDToken(audience) {\n    const real = await import("./oidc-utils.js");\n    return real.OidcClient.getIDToken(audience);\n  }\n}\n',
      loader: 'js',
      resolveDir: path.join(root, path.dirname(args.path)),
    }));
  },
};

for (const name of actions) {
  const dir = path.join(root, 'actions', name);
  const dist = path.join(dir, 'dist');
  await rm(dist, { recursive: true, force: true });
  await mkdir(dist, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { index: path.join(dir, 'src', 'main.ts') },
    outdir: dist,
    // Code behind a dynamic import() (the @actions/artifact client and its Azure SDK, ~3 MB) goes to its own chunk,
    // parsed only when a step hands digests off through GitHub's artifact service, not at every start.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    // What GitHub's runner starts the bundles with (action.yml: runs.using node24); the tests run them on it too.
    target: 'node24',
    banner: { js: banner },
    plugins: [requireBuiltins, lazyOidc],
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
    sourcemap: false,
  });
  await writeFile(path.join(dist, 'package.json'), JSON.stringify({ type: 'module' }, null, 2) + '\n');
  await writeFile(path.join(dist, 'licenses.txt'), await licenses(result.metafile));
  const size = (await readFile(path.join(dist, 'index.js'))).length;
  console.log(`built actions/${name}/dist/index.js (${(size / 1024).toFixed(0)} KiB)`);
}

// One entry per third-party package that ended up in the bundle, with its license text.
async function licenses(metafile) {
  const packages = new Map();
  for (const key of Object.keys(metafile.inputs)) {
    // A plugin's module (lazy-oidc:, require-builtin:) is named by namespace and absolute path.
    const bare = key.replace(/^[a-z-]+:/, '');
    const input = path.isAbsolute(bare) ? path.relative(root, bare) : bare;
    const m = input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
    if (!m || packages.has(m[1])) continue;
    packages.set(m[1], null);
  }
  const entries = [];
  for (const pkgDir of [...packages.keys()]) {
    const manifest = JSON.parse(await readFile(path.join(root, pkgDir, 'package.json'), 'utf8'));
    const files = existsSync(path.join(root, pkgDir)) ? await readdir(path.join(root, pkgDir)) : [];
    const licenseFile = files.find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = licenseFile ? (await readFile(path.join(root, pkgDir, licenseFile), 'utf8')).trim() : '(no license file shipped)';
    entries.push({ id: `${manifest.name}@${manifest.version}`, license: manifest.license ?? 'UNKNOWN', text });
  }
  const unique = [...new Map(entries.map((e) => [e.id, e])).values()].sort((a, b) => a.id.localeCompare(b.id));
  return unique.map((e) => `${e.id}\n${e.license}\n${e.text}\n`).join('\n-----\n\n');
}
