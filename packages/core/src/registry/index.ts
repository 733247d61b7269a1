// Public API of the core's OCI distribution registry client.
export { RegistryError, OciLayoutError, parseRegistryErrorBody, summariseRegistryErrors, type RegistryErrorInit, type RegistryErrorEntry } from './errors.ts';
export {
  RegistryClient,
  createRegistryClient,
  nextLink,
  type RegistryClientDeps,
  type TraceEvent,
} from './client.ts';
export type { FetchedManifest, ManifestDescriptor, BlobSource, BlobPushOutcome, LayoutTarget } from './types.ts';
export {
  pushOciLayout,
  readOciLayoutGraph,
  openVerifiedBlob,
  type PushOciLayoutOptions,
  type PushOciLayoutResult,
  type PushedImage,
  type LayoutGraph,
  type LayoutManifest,
  type LayoutBlob,
} from './oci-layout.ts';
export {
  parseWwwAuthenticate,
  pickChallenge,
  repositoryScope,
  mergeScopes,
  buildTokenRequest,
  parseTokenResponse,
  basicAuthorization,
  type AuthChallenge,
  type Action as RegistryAction,
  type TokenRequest,
} from './auth.ts';
export {
  resolveDockerCredentials,
  dockerConfigPath,
  configKeyFor,
  hostOfConfigKey,
  DOCKER_HUB_CONFIG_KEY,
  type RegistryCredentials,
  type ResolvedCredentials,
  type DockerConfigFile,
  type DockerConfigDeps,
} from './docker-config.ts';
export {
  retryDecision,
  parseRetryAfter,
  backoffDelay,
  isRetryableFailure,
  withRetry,
  DEFAULT_RETRY_POLICY,
  RETRYABLE_STATUSES,
  type RetryPolicy,
  type RetryDecision,
  type Failure as RetryFailure,
} from './retry.ts';
export { isLoopbackHost, schemesFor, registryEndpointHost, DEFAULT_CERTS_DIR, type Scheme } from './transport.ts';
