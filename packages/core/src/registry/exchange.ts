/**
 * One HTTP exchange with a registry or its token realm. Shared by the request path (session.ts) and the token fetch
 * (authorizer.ts) so that both use the same keep-alive agents and trust, are traced alike, and word connection
 * failures alike. No auth, redirects or retries here.
 */
import type { Call } from './call.ts';
import { OciLayoutError, RegistryError } from './errors.ts';
import { where } from './response-error.ts';
import { AgentPool, type BodySource, type HttpResponse, type TlsDeps, httpExchange, isLoopbackHost, isTlsVerificationError } from './transport.ts';

export interface TraceEvent {
  readonly method: string;
  readonly url: string;
  readonly status?: number;
  readonly error?: string;
  readonly authorization?: 'basic' | 'bearer';
}

export interface ExchangerOptions {
  /** Where the keep-alive agents find CAs and client certificates. */
  readonly tls: TlsDeps;
  readonly userAgent: string;
  readonly timeoutMs: number;
  readonly trace: ((event: TraceEvent) => void) | undefined;
}

export class Exchanger {
  private readonly agents: AgentPool;

  constructor(private readonly o: ExchangerOptions) {
    this.agents = new AgentPool(o.tls);
  }

  /** Connection failures become RegistryErrors (retryable or not). */
  async exchange(
    image: { registry: string; repository?: string },
    operation: string,
    method: Call['method'],
    url: URL,
    headers: Record<string, string>,
    body: BodySource | undefined,
    maxResponseBytes: number,
    alsoTrust?: string,
  ): Promise<HttpResponse> {
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.host))) {
      throw new RegistryError({ ...where(image), operation, detail: `refusing plain HTTP to ${url.host}: only localhost registries are spoken to without TLS` });
    }
    const authorization = headers.Authorization?.startsWith('Basic ') ? 'basic' : headers.Authorization?.startsWith('Bearer ') ? 'bearer' : undefined;
    try {
      const res = await httpExchange({
        method,
        url,
        headers: { 'User-Agent': this.o.userAgent, ...headers },
        ...(body !== undefined ? { body } : {}),
        timeoutMs: this.o.timeoutMs,
        maxResponseBytes,
        agent: this.agents.agentFor(url, alsoTrust),
      });
      this.o.trace?.({ method, url: url.href, status: res.status, ...(authorization ? { authorization } : {}) });
      return res;
    } catch (e) {
      this.o.trace?.({ method, url: url.href, error: (e as Error).message, ...(authorization ? { authorization } : {}) });
      if (e instanceof RegistryError || !(e instanceof Error) || e instanceof OciLayoutError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      const tlsBad = isTlsVerificationError(e);
      throw new RegistryError({
        ...where(image),
        operation,
        ...(code ? { code } : {}),
        detail: `${e.message.trim()}; ${method} ${url.origin}${url.pathname}`,
        ...(tlsBad
          ? { fix: `trust the registry's CA: put it in ${this.agents.certsDirFor(alsoTrust ?? url.host)}/ca.crt (Docker's convention) or the system trust store` }
          : code === 'ENOTFOUND'
            ? { fix: `check the registry name "${image.registry}"` }
            : {}),
        cause: e,
      });
    }
  }

  /** Drops keep-alive connections. */
  close(): void {
    this.agents.close();
  }
}
