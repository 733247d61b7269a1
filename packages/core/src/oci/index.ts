export * from './manifest.ts';
export * from './index-entries.ts';
