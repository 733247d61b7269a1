import { notImplemented, runAction } from '@moam/core';

await runAction('merge-manifest', async () => notImplemented('merge-manifest'));
