import { notImplemented, runAction } from '@moam/core';

await runAction('sign-recursive', async () => notImplemented('sign-recursive'));
