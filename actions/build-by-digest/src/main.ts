import { notImplemented, runAction } from '@moam/core';

await runAction('build-by-digest', async () => notImplemented('build-by-digest'));
