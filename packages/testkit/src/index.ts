export * from './run-action.ts';
export * from './testbed.ts';
export * from './pipeline.ts';
export * from './cosign-mirror.ts';
