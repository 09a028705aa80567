// `npm start`: install what is missing, build, then serve the demo with the embedded reference server.
import { ensureDependencies } from './setup.mjs';

ensureDependencies();
const { run } = await import('./run.mjs');
await run('node', ['scripts/build.mjs']);
await run('node', ['server/bin/signet-server.js', '--static', 'dist/demo', ...process.argv.slice(2)]);
