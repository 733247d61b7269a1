import { notImplemented, runAction } from '@moam/core';

await runAction('verify', async () => notImplemented('verify'));
