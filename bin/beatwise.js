#!/usr/bin/env node
// The `beatwise` command. The CLI is TypeScript under src/cli, run through tsx so the same modules
// serve the SvelteKit server, the tests and the command line.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
