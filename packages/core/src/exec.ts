import { spawn } from 'node:child_process';

export interface ExecOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to the tool's stdin (e.g. a password for `docker login --password-stdin`). */
  input?: string;
  /** Echo the tool's output to the log as it arrives (build logs); otherwise it is only captured. */
  stream?: boolean;
  /** Values to replace with *** wherever this seam prints the command line or output. */
  secrets?: readonly string[];
  /**
   * Kill the tool (and the plugin processes it started) after this long. A registry that accepts a request and never
   * answers would otherwise hold the job until the runner's own timeout.
   */
  timeoutMs?: number;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The one way the suite runs a tool: an argument array, never a shell; any non-zero exit throws ToolError. */
export type Exec = (file: string, args: readonly string[], options?: ExecOptions) => Promise<ExecResult>;

export class ToolError extends Error {
  override name = 'ToolError';
  constructor(
    readonly tool: string,
    readonly args: readonly string[],
    readonly exitCode: number,
    readonly stdout: string,
    readonly stderr: string,
    readonly lastLine: string,
  ) {
    super(`${tool} ${args[0] ?? ''}${args[1] && !args[1].startsWith('-') ? ` ${args[1]}` : ''} failed (exit ${exitCode}): ${lastLine || '(no error output)'}`);
  }
}

const NOISE = /^\s*$|^(Usage|See '.*--help'|Run '.*--help')/;

/** The line of a tool's output that best says why it failed: the last "error" line, else the last non-empty line. */
export function lastErrorLine(stderr: string, stdout = ''): string {
  const lines = `${stderr}\n${stdout.length > 0 && stderr.trim() === '' ? stdout : ''}`
    .split(/\r?\n/)
    .map((l) => stripAnsi(l).trim())
    .filter((l) => !NOISE.test(l));
  const errorLine = [...lines].reverse().find((l) => /\b(error|fatal|failed|denied|unauthorized)\b/i.test(l));
  return (errorLine ?? lines.at(-1) ?? '').slice(0, 500);
}

export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
}

export function mask(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join('***');
  return out;
}

/** Renders argv for the log; quoting is only for readability, nothing is ever parsed by a shell. */
export function renderCommand(file: string, args: readonly string[], secrets: readonly string[] = []): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return mask([file, ...args].map(quote).join(' '), secrets);
}

export interface ExecDeps {
  /** Where command lines and streamed output go (the action log). */
  log: (line: string) => void;
}

export function createExec(deps: ExecDeps): Exec {
  return (file, args, options = {}) =>
    new Promise<ExecResult>((resolve, reject) => {
      const secrets = options.secrets ?? [];
      deps.log(`[command] ${renderCommand(file, args, secrets)}`);
      const child = spawn(file, [...args], {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        shell: false,
        // Its own process group, so a timeout also ends `docker buildx`'s plugin process.
        detached: options.timeoutMs !== undefined,
      });
      let timedOut = false;
      const killGroup = (signal: NodeJS.Signals) => {
        try {
          if (child.pid) process.kill(-child.pid, signal);
        } catch {
          child.kill(signal);
        }
      };
      // A detached group does not get the runner's SIGINT/SIGTERM (cancellation) with us: pass them on, so a cancelled
      // step does not leave buildx or cosign running. The child's exit then fails the step as usual.
      const forward = (signal: NodeJS.Signals) => killGroup(signal);
      const forwarded: NodeJS.Signals[] = options.timeoutMs !== undefined ? ['SIGINT', 'SIGTERM'] : [];
      for (const sig of forwarded) process.on(sig, forward);
      const timer = options.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            killGroup('SIGTERM');
            setTimeout(() => killGroup('SIGKILL'), 5000).unref();
          }, options.timeoutMs)
        : undefined;
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const echo = (chunk: Buffer) => {
        if (options.stream) for (const line of mask(chunk.toString('utf8'), secrets).replace(/\n$/, '').split('\n')) deps.log(line);
      };
      child.stdout.on('data', (c: Buffer) => {
        out.push(c);
        echo(c);
      });
      child.stderr.on('data', (c: Buffer) => {
        err.push(c);
        echo(c);
      });
      child.on('error', (e: NodeJS.ErrnoException) => {
        for (const sig of forwarded) process.off(sig, forward);
        const why = e.code === 'ENOENT' ? `${file} not found on PATH; install it or put it on PATH` : e.message;
        reject(new ToolError(file, args, 127, '', '', why));
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input ?? '');
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        for (const sig of forwarded) process.off(sig, forward);
        const stdout = Buffer.concat(out).toString('utf8');
        const stderr = Buffer.concat(err).toString('utf8');
        const exitCode = code ?? 128;
        if (exitCode === 0 && !signal) return resolve({ exitCode, stdout, stderr });
        const why = timedOut
          ? `timed out after ${Math.round((options.timeoutMs ?? 0) / 1000)} s without finishing (last output: ${mask(lastErrorLine(stderr, stdout), secrets) || 'none'})`
          : signal
            ? `killed by ${signal}`
            : mask(lastErrorLine(stderr, stdout), secrets);
        reject(new ToolError(file, args, exitCode, mask(stdout, secrets), mask(stderr, secrets), why));
      });
    });
}
