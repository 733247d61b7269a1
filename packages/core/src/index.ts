export * from './action.ts';
export * from './digest.ts';
export * from './errors.ts';
export * from './exec.ts';
export * from './image.ts';
export * from './inputs.ts';
export * from './platform.ts';
