export * from './args.ts';
export * from './checksums.ts';
export * from './identity.ts';
export * from './install.ts';
export * from './outcome.ts';
export * from './version.ts';
export * from './verify-run.ts';
