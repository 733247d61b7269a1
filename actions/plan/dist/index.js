import { createRequire as __moamCreateRequire } from 'node:module';
const require = __moamCreateRequire(import.meta.url);
import {
  createHash,
  debug,
  getIDToken,
  group,
  info,
  os_default,
  path_default,
  readFileSync,
  rmSync,
  setFailed,
  setOutput,
  setSecret,
  spawn,
  summary,
  warning
} from "./chunks/chunk-AD5IOWIE.js";
import {
  __require
} from "./chunks/chunk-5YBMRFBJ.js";

// packages/core/src/errors.ts
var InputError = class extends Error {
  constructor(input, problem, fix, options) {
    super(`Input "${input}": ${problem}. Fix: ${fix}`, options);
    this.input = input;
    this.problem = problem;
    this.fix = fix;
  }
  input;
  problem;
  fix;
  name = "InputError";
};
var ProblemsError = class extends Error {
  constructor(summary2, problems) {
    super(`${summary2} (${problems.length} problem${problems.length === 1 ? "" : "s"}):
${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.summary = summary2;
    this.problems = problems;
  }
  summary;
  problems;
  name = "ProblemsError";
};
var Problems = class {
  list = [];
  add(problem) {
    this.list.push(problem);
  }
  /** Runs fn; an InputError (or any Error) it throws becomes one more problem. Returns undefined then. */
  collect(fn) {
    try {
      return fn();
    } catch (error) {
      this.add(error instanceof Error ? error.message : String(error));
      return void 0;
    }
  }
  get all() {
    return this.list;
  }
  throwIfAny(summary2) {
    if (this.list.length > 0) throw new ProblemsError(summary2, this.list);
  }
};
function errorMessage(error) {
  return error instanceof Error ? error.message : String(error);
}
var QUOTE_LIMIT = 120;
function quote(value, limit = QUOTE_LIMIT) {
  const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}\u2026 (${typeof value === "string" ? value.length : text.length} characters, cut)`;
}
var MESSAGE_LINE_LIMIT = 2e3;
function boundLines(message, limit = MESSAGE_LINE_LIMIT) {
  return message.split("\n").map((line) => line.length <= limit ? line : `${line.slice(0, limit)}\u2026 (line cut: ${line.length} characters)`).join("\n");
}

// packages/core/src/exec.ts
var ToolError = class extends Error {
  constructor(tool, args, exitCode, stdout, stderr, lastLine) {
    super(`${tool} ${args[0] ?? ""}${args[1] && !args[1].startsWith("-") ? ` ${args[1]}` : ""} failed (exit ${exitCode}): ${lastLine || "(no error output)"}`);
    this.tool = tool;
    this.args = args;
    this.exitCode = exitCode;
    this.stdout = stdout;
    this.stderr = stderr;
    this.lastLine = lastLine;
  }
  tool;
  args;
  exitCode;
  stdout;
  stderr;
  lastLine;
  name = "ToolError";
};
var NOISE = /^\s*$|^(Usage|See '.*--help'|Run '.*--help')/;
function lastErrorLine(stderr, stdout = "") {
  const lines = `${stderr}
${stdout.length > 0 && stderr.trim() === "" ? stdout : ""}`.split(/\r?\n/).map((l) => stripAnsi(l).trim()).filter((l) => !NOISE.test(l));
  const errorLine = [...lines].reverse().find((l) => /\b(error|fatal|failed|denied|unauthorized)\b/i.test(l));
  return (errorLine ?? lines.at(-1) ?? "").slice(0, 500);
}
function stripAnsi(text) {
  return text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");
}
function mask(text, secrets = []) {
  let out = text;
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join("***");
  return out;
}
function renderCommand(file, args, secrets = []) {
  const quote2 = (a) => /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
  return mask([file, ...args].map(quote2).join(" "), secrets);
}
function createExec(deps) {
  return (file, args, options = {}) => new Promise((resolve, reject) => {
    const secrets = options.secrets ?? [];
    deps.log(`[command] ${renderCommand(file, args, secrets)}`);
    const child = spawn(file, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
      shell: false,
      // Its own process group, so a timeout also ends `docker buildx`'s plugin process.
      detached: options.timeoutMs !== void 0
    });
    let timedOut = false;
    const killGroup = (signal) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        child.kill(signal);
      }
    };
    const forward = (signal) => killGroup(signal);
    const forwarded = options.timeoutMs !== void 0 ? ["SIGINT", "SIGTERM"] : [];
    for (const sig of forwarded) process.on(sig, forward);
    const timer = options.timeoutMs ? setTimeout(() => {
      timedOut = true;
      killGroup("SIGTERM");
      setTimeout(() => killGroup("SIGKILL"), 5e3).unref();
    }, options.timeoutMs) : void 0;
    const out = [];
    const err = [];
    const echo = (chunk) => {
      if (options.stream) for (const line of mask(chunk.toString("utf8"), secrets).replace(/\n$/, "").split("\n")) deps.log(line);
    };
    child.stdout.on("data", (c) => {
      out.push(c);
      echo(c);
    });
    child.stderr.on("data", (c) => {
      err.push(c);
      echo(c);
    });
    child.on("error", (e) => {
      for (const sig of forwarded) process.off(sig, forward);
      const why = e.code === "ENOENT" ? `${file} not found on PATH; install it or put it on PATH` : e.message;
      reject(new ToolError(file, args, 127, "", "", why));
    });
    child.stdin.on("error", () => void 0);
    child.stdin.end(options.input ?? "");
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      for (const sig of forwarded) process.off(sig, forward);
      const stdout = Buffer.concat(out).toString("utf8");
      const stderr = Buffer.concat(err).toString("utf8");
      const exitCode = code ?? 128;
      if (exitCode === 0 && !signal) return resolve({ exitCode, stdout, stderr });
      const why = timedOut ? `timed out after ${Math.round((options.timeoutMs ?? 0) / 1e3)} s without finishing (last output: ${mask(lastErrorLine(stderr, stdout), secrets) || "none"})` : signal ? `killed by ${signal}` : mask(lastErrorLine(stderr, stdout), secrets);
      reject(new ToolError(file, args, exitCode, mask(stdout, secrets), mask(stderr, secrets), why));
    });
  });
}

// packages/core/src/inputs.ts
function envInputs(env = process.env) {
  return (name) => (env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
}
function parseList(value, opts = {}) {
  const commas = opts.commas ?? true;
  return value.split(/\r?\n/).flatMap((line) => commas ? line.split(",") : [line]).map((s) => s.trim()).filter((s) => s !== "" && !s.startsWith("#"));
}
function parseBoolean(value, input, fallback) {
  const v = value.trim().toLowerCase();
  if (v === "") return fallback;
  if (v === "true") return true;
  if (v === "false") return false;
  throw new InputError(input, `"${value}" is not a boolean`, "use true or false");
}

// require-builtin:fs/promises
var m = __require("node:fs/promises");
var { access, appendFile, chmod, chown, constants, copyFile, cp, lchmod, lchown, link, lstat, lutimes, mkdir, mkdtemp, open, opendir, readFile, readdir, readlink, realpath, rename, rm, rmdir, stat, statfs, symlink, truncate, unlink, utimes, watch, writeFile } = m;

// packages/core/src/scratch.ts
function createScratch(tmpDir) {
  let dir;
  let created;
  const backstop = () => {
    if (created) rmSync(created, { recursive: true, force: true });
  };
  const ensure = () => dir ??= mkdtemp(path_default.join(tmpDir, "moam-scratch-")).then(async (d) => {
    await chmod(d, 448);
    created = d;
    process.on("exit", backstop);
    return d;
  });
  return {
    async write(name, content) {
      if (name !== path_default.basename(name) || name.startsWith(".")) throw new Error(`internal: scratch file name "${name}" must be a plain file name`);
      const file = path_default.join(await ensure(), name);
      await writeFile(file, content, { mode: 384 });
      await chmod(file, 384);
      return file;
    },
    async dispose() {
      if (!dir) return;
      const d = await dir.catch(() => void 0);
      dir = void 0;
      created = void 0;
      process.off("exit", backstop);
      if (d) await rm(d, { recursive: true, force: true });
    }
  };
}

// packages/core/src/github/context.ts
function nonEmpty(value) {
  const v = value?.trim();
  return v ? v : void 0;
}
var readUtf8 = (p) => readFileSync(p, "utf8");
function readGitHubContext(env, readFile2 = readUtf8) {
  const notes = [];
  const eventPath = nonEmpty(env.GITHUB_EVENT_PATH);
  let event;
  if (eventPath !== void 0) {
    let text;
    try {
      text = readFile2(eventPath);
    } catch (error) {
      const code = error?.code;
      if (code !== "ENOENT") notes.push(`GITHUB_EVENT_PATH ${eventPath} could not be read (${error instanceof Error ? error.message : String(error)}); the event payload is ignored.`);
    }
    if (text !== void 0) {
      try {
        const parsed = JSON.parse(text);
        if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) event = parsed;
        else notes.push(`GITHUB_EVENT_PATH ${eventPath} does not hold a JSON object; the event payload is ignored.`);
      } catch {
        notes.push(`GITHUB_EVENT_PATH ${eventPath} is not valid JSON; the event payload is ignored.`);
      }
    }
  }
  const repository = nonEmpty(env.GITHUB_REPOSITORY) ?? nonEmpty(typeof event?.repository?.full_name === "string" ? event.repository.full_name : void 0);
  const slash = repository?.indexOf("/") ?? -1;
  const owner = repository !== void 0 && slash > 0 ? repository.slice(0, slash) : void 0;
  const repo = repository !== void 0 && slash > 0 ? repository.slice(slash + 1) : void 0;
  const defaultBranch = typeof event?.repository?.default_branch === "string" ? nonEmpty(event.repository.default_branch) : void 0;
  const ctx = { actions: env.GITHUB_ACTIONS === "true", notes };
  const set = (key, value) => {
    if (value !== void 0) ctx[key] = value;
  };
  set("serverUrl", nonEmpty(env.GITHUB_SERVER_URL)?.replace(/\/+$/, ""));
  set("repository", repository);
  set("owner", owner);
  set("repo", repo);
  set("sha", nonEmpty(env.GITHUB_SHA));
  set("ref", nonEmpty(env.GITHUB_REF));
  set("refName", nonEmpty(env.GITHUB_REF_NAME));
  set("eventName", nonEmpty(env.GITHUB_EVENT_NAME));
  set("runId", nonEmpty(env.GITHUB_RUN_ID));
  set("runAttempt", nonEmpty(env.GITHUB_RUN_ATTEMPT));
  set("job", nonEmpty(env.GITHUB_JOB));
  set("workflowRef", nonEmpty(env.GITHUB_WORKFLOW_REF));
  set("eventPath", eventPath);
  set("event", event);
  set("defaultBranch", defaultBranch);
  const payloadRepo = event?.repository;
  set("visibility", typeof payloadRepo?.visibility === "string" ? payloadRepo.visibility : payloadRepo?.private === true ? "private" : payloadRepo?.private === false ? "public" : void 0);
  return ctx;
}

// packages/core/src/github/runner-environment.ts
function runnerEnvironmentOf(env) {
  const v = env.RUNNER_ENVIRONMENT?.trim();
  return v === "github-hosted" || v === "self-hosted" ? v : void 0;
}

// packages/core/src/action/context.ts
function runInfoOf(env) {
  return {
    repository: env.GITHUB_REPOSITORY,
    runId: env.GITHUB_RUN_ID,
    runAttempt: env.GITHUB_RUN_ATTEMPT,
    job: env.GITHUB_JOB,
    workflowRef: env.GITHUB_WORKFLOW_REF,
    sha: env.GITHUB_SHA,
    runnerEnvironment: runnerEnvironmentOf(env)
  };
}

// packages/core/src/action/run-action.ts
var notGiven = (name, service) => {
  throw new Error(`internal error: the ${name} action uses ${service} but its main does not name it in runAction's services`);
};
var actionLogger = {
  info: (line) => info(line),
  warning: (line) => warning(line),
  group: (title, fn) => group(title, fn)
};
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
function runnerContext(name, env, services) {
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const tmpDir = env.RUNNER_TEMP || os_default.tmpdir();
  const exec = createExec({ log: info });
  const scratch = createScratch(tmpDir);
  let registry;
  let store;
  let github;
  const ctx = {
    name,
    env,
    read: envInputs(env),
    workspace,
    tmpDir,
    exec,
    log: actionLogger,
    get registry() {
      return registry ??= (services.registry ?? notGiven(name, "a registry"))({ env, exec, log: info });
    },
    get store() {
      return store ??= (services.store ?? notGiven(name, "the digest hand-off"))(env);
    },
    get github() {
      return github ??= readGitHubContext(env);
    },
    scratch,
    run: runInfoOf(env),
    clock: Date.now,
    sleep,
    getIdToken: (audience) => getIDToken(audience),
    setSecret: (value) => setSecret(value),
    installCosign: (inputs) => (services.cosign ?? notGiven(name, "cosign"))(inputs, info)
  };
  return {
    ctx,
    async close() {
      registry?.close();
      await scratch.dispose();
    }
  };
}
async function runAction(name, services, body) {
  debug(`${name}: node ${process.version}`);
  const { ctx, close } = runnerContext(name, process.env, services);
  try {
    await body(ctx);
  } catch (error) {
    setFailed(boundLines(`${name}: ${errorMessage(error)}`));
  } finally {
    await close();
  }
}
function setOutputs(outputs) {
  for (const [name, value] of Object.entries(outputs)) setOutput(name, value);
}
async function writeSummary(markdown) {
  if (process.env.GITHUB_STEP_SUMMARY) await summary.addRaw(markdown, true).write();
  else info(markdown);
}

// packages/core/src/image.ts
var DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
var DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
var PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
var NAME = new RegExp(`^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)$`);
var NAME_FIX = "give an image name without tag or digest, lower-case, e.g. ghcr.io/owner/app";
function splitDomain(name) {
  const slash = name.indexOf("/");
  const first = slash === -1 ? "" : name.slice(0, slash);
  const hasDomain = slash !== -1 && (first.includes(".") || first.includes(":") || first === "localhost" || /[A-Z]/.test(first));
  const registry = !hasDomain || first === "index.docker.io" ? "docker.io" : first;
  const path = hasDomain ? name.slice(slash + 1) : name;
  return { registry, repository: registry === "docker.io" && !path.includes("/") ? `library/${path}` : path };
}
function parseImageName(value, input = "images") {
  const name = value.trim();
  if (name === "") throw new InputError(input, "contains an empty image name", NAME_FIX);
  if (name.startsWith("-")) throw new InputError(input, `"${name}" starts with "-"; image names never do`, NAME_FIX);
  if (name.includes("@")) throw new InputError(input, `"${name}" carries a digest`, `${NAME_FIX}; the digest comes from the build`);
  const { registry, repository } = splitDomain(name);
  if (/:[^/]*$/.test(repository) || registry === "docker.io" && /:/.test(name) && !name.includes("/")) {
    throw new InputError(input, `"${name}" carries a tag`, `${NAME_FIX}; tags are computed by merge-manifest`);
  }
  if (/[A-Z]/.test(repository)) throw new InputError(input, `"${name}" has upper-case letters in its repository path`, NAME_FIX);
  if (!NAME.test(name) || name.length > 255) throw new InputError(input, `"${name}" is not a valid image name`, NAME_FIX);
  return { name, registry, repository };
}
function canonicalName(image) {
  return `${image.registry}/${image.repository}`;
}
function parseImageNames(values, input = "images") {
  if (values.length === 0) throw new InputError(input, "is empty", `${NAME_FIX}; at least one`);
  const seen = /* @__PURE__ */ new Map();
  return values.map((v) => {
    const img = parseImageName(v, input);
    const key = canonicalName(img);
    const earlier = seen.get(key);
    if (earlier !== void 0) {
      throw new InputError(input, earlier === img.name ? `lists "${img.name}" twice` : `lists "${earlier}" and "${img.name}", which name the same repository ${key}`, "list each image name once");
    }
    seen.set(key, img.name);
    return img;
  });
}

// packages/core/src/platform.ts
var OSES = /* @__PURE__ */ new Set(["linux", "windows", "darwin", "freebsd", "netbsd", "openbsd", "illumos", "solaris", "aix", "plan9", "wasip1", "js"]);
var ARCHES = /* @__PURE__ */ new Set(["amd64", "arm64", "arm", "386", "ppc64le", "ppc64", "s390x", "riscv64", "mips64le", "mips64", "mipsle", "mips", "loong64", "wasm"]);
var ARCH_ALIASES = { x86_64: "amd64", "x86-64": "amd64", aarch64: "arm64", i386: "386", i686: "386", armhf: "arm", armel: "arm" };
var DEFAULT_VARIANT = { armhf: "v7", armel: "v6" };
var FIX = "give exactly one platform as os/arch[/variant], e.g. linux/amd64, linux/arm64 or linux/arm/v7";
function parsePlatform(value, input = "platform") {
  const raw = value.trim();
  if (raw === "") throw new InputError(input, "is empty", FIX);
  if (/[,\s]/.test(raw)) throw new InputError(input, `"${raw}" is a list; this input takes exactly one platform`, `${FIX}; run one matrix leg per platform`);
  const parts = raw.toLowerCase().split("/");
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === "")) throw new InputError(input, `"${raw}" is not os/arch[/variant]`, FIX);
  const [os, rawArch, rawVariant] = parts;
  if (!OSES.has(os)) throw new InputError(input, `"${raw}" has an unknown operating system "${os}"`, FIX);
  const architecture = ARCH_ALIASES[rawArch] ?? rawArch;
  if (!ARCHES.has(architecture)) throw new InputError(input, `"${raw}" has an unknown architecture "${rawArch}"`, FIX);
  let variant = rawVariant ?? DEFAULT_VARIANT[rawArch];
  if (variant !== void 0 && !/^v[0-9]+$/.test(variant)) throw new InputError(input, `"${raw}" has an invalid variant "${variant}"`, FIX);
  if (architecture === "arm64" && variant === "v8") variant = void 0;
  if (architecture === "arm" && variant === void 0) variant = "v7";
  if (architecture === "amd64" && variant === "v1") variant = void 0;
  return variant === void 0 ? { os, architecture } : { os, architecture, variant };
}
function parsePlatforms(values, input = "platforms") {
  if (values.length === 0) throw new InputError(input, "is empty", "list the platforms, e.g. linux/amd64,linux/arm64");
  const seen = /* @__PURE__ */ new Map();
  const out = [];
  for (const v of values) {
    const p = parsePlatform(v, input);
    const key = formatPlatform(p);
    const earlier = seen.get(key);
    if (earlier !== void 0) throw new InputError(input, `lists ${key} twice ("${earlier}" and "${v.trim()}")`, "list each platform once");
    seen.set(key, v.trim());
    out.push(p);
  }
  return out;
}
function formatPlatform(p) {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

// packages/core/src/plan/plan.ts
var RUNNERS_FIX = 'give a JSON object mapping each platform to a runner label or an array of labels, e.g. {"linux/amd64":"ubuntu-latest","linux/arm64":"ubuntu-24.04-arm"}';
var LABEL = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
function parseRunners(value) {
  let json;
  try {
    json = JSON.parse(value);
  } catch (error) {
    throw new InputError("runners", `is not JSON (${error instanceof Error ? error.message : String(error)})`, RUNNERS_FIX);
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw new InputError("runners", "is not a JSON object", RUNNERS_FIX);
  const out = /* @__PURE__ */ new Map();
  for (const [key, runner] of Object.entries(json)) {
    const platform = formatPlatform(parsePlatform(key, "runners"));
    const labels = typeof runner === "string" ? [runner] : Array.isArray(runner) ? runner : [];
    if (labels.length === 0 || labels.some((l) => typeof l !== "string" || !LABEL.test(l.trim()))) {
      throw new InputError("runners", `the runner of ${platform} (${quote(runner)}) is not a label or a list of labels`, RUNNERS_FIX);
    }
    out.set(platform, typeof runner === "string" ? runner.trim() : labels.map((l) => String(l).trim()));
  }
  return out;
}
function readPlanInputs(read, env) {
  const p = new Problems();
  const images = p.collect(() => {
    const given = parseList(read("images"));
    return parseImageNames(given.length > 0 ? given : env.GITHUB_REPOSITORY ? [`ghcr.io/${env.GITHUB_REPOSITORY.toLowerCase()}`] : [], "images");
  });
  const platforms = p.collect(() => parsePlatforms(parseList(read("platforms") || "linux/amd64,linux/arm64")));
  const runners = p.collect(() => parseRunners(read("runners") || '{"linux/amd64":"ubuntu-latest","linux/arm64":"ubuntu-24.04-arm"}'));
  const allowSelfHosted = p.collect(() => parseBoolean(read("allow-self-hosted"), "allow-self-hosted", false));
  p.throwIfAny("invalid inputs");
  return { images, platforms, runners, allowSelfHosted };
}
var shortHash = (text) => createHash("sha256").update(text).digest("hex").slice(0, 12);
function planRelease(inputs) {
  const p = new Problems();
  const include = [];
  for (const platform of inputs.platforms.map(formatPlatform)) {
    const runner = inputs.runners.get(platform);
    if (runner === void 0) {
      p.add(`Input "runners": has no runner for ${platform}. Fix: add "${platform}":"<runner label>" (GitHub-hosted arm64: ubuntu-24.04-arm); every platform builds natively on its own runner, never under emulation`);
      continue;
    }
    if (Array.isArray(runner) && runner.includes("self-hosted") && !inputs.allowSelfHosted) {
      p.add(`Input "runners": ${platform} runs on a self-hosted runner (${runner.join(", ")}), but the signing certificate would say GitHub-hosted (the sign job runs on ubuntu-latest). Fix: set allow-self-hosted: true to build there on purpose (the images are then marked self-hosted), or use a GitHub-hosted runner`);
      continue;
    }
    include.push({ platform, runner });
  }
  p.throwIfAny("the release cannot be planned");
  const key = inputs.images.map(canonicalName).sort().join(",");
  return { images: inputs.images, platforms: inputs.platforms, include, artifactPrefix: `digests-${shortHash(key)}`, concurrencyGroup: `moam-release-${shortHash(key)}` };
}
function planOutputs(plan) {
  return {
    include: JSON.stringify(plan.include),
    images: plan.images.map((i) => i.name).join(","),
    image: plan.images[0]?.name ?? "",
    platforms: plan.platforms.map(formatPlatform).join(","),
    "artifact-prefix": plan.artifactPrefix,
    "concurrency-group": plan.concurrencyGroup
  };
}
function renderPlanSummary(plan) {
  const rows = plan.include.map((l) => `| \`${l.platform}\` | \`${Array.isArray(l.runner) ? l.runner.join(", ") : l.runner}\` |`);
  return ["### plan", "", `**Images** ${plan.images.map((i) => `\`${i.name}\``).join(", ")} \xB7 **Hand-off** \`${plan.artifactPrefix}-<platform>\``, "", "| Platform | Runner |", "| --- | --- |", ...rows, ""].join("\n");
}

// actions/plan/src/main.ts
await runAction("plan", {}, async (ctx) => {
  const inputs = readPlanInputs(ctx.read, ctx.env);
  const plan = planRelease(inputs);
  setOutputs(planOutputs(plan));
  await writeSummary(renderPlanSummary(plan));
});
