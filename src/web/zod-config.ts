import { z } from 'zod';

// zod compiles object checks with `new Function` when it may; the app's CSP forbids eval, and even
// zod's probe for it is reported as a violation. Imported first by main.tsx, before any schema runs.
z.config({ jitless: true });
