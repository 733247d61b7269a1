export * from './run-action.ts';
export * from './testbed.ts';
export * from './pipeline.ts';
export * from './legs.ts';
export * from './cosign-mirror.ts';
export * from './oidc-service.ts';
export * from './artifact-service.ts';
export * from './fulcio.ts';
export { withEnv, decodeJwt } from './http-util.ts';
