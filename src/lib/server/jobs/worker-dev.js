// Worker entry for development, tests and scripts: the TypeScript worker through tsx (as bin/beatwise.js
// runs the CLI). Production builds run the bundled jobs-worker.js instead (worker-entry.ts).
import { register } from 'tsx/esm/api';

register();
await import(new URL('./worker.ts', import.meta.url).href);
