export * from './run-action.ts';
export * from './testbed.ts';
export * from './pipeline.ts';
