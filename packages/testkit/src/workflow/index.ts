// Runs our workflow files locally the way GitHub would (test support only, never bundled).
export { runWorkflow } from './run.ts';
export { WorkflowError } from './yaml.ts';
export { checkout, defaultStepMap, dockerLogin, hardenRunner, ownActions, setupBuildx, type MappedStep, type StepMap, type StepMapping } from './third-party.ts';
export { startOidcBroker, type OidcBroker, type OidcRequest } from './oidc.ts';
export { filterMatches, filterRegExp, type PushEvent, type TriggerEvent } from './triggers.ts';
export { expandMatrix } from './plan.ts';
export { RESTRICTED_DEFAULT, type Permissions } from './permissions.ts';
export type { JobResult, RunWorkflowOptions, Status, StepResult, WorkflowRunResult } from './types.ts';
