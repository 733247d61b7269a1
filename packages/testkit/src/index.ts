export * from './run-action.ts';
export * from './testbed.ts';
