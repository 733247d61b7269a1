export * from './action.ts';
export * from './errors.ts';
export * from './exec.ts';
