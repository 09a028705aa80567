// How the workspace resolves its own packages from source: the server imports the widget's shared wire code as
// `signet-upload/protocol`, and the widget's tests start the server as `signet-upload-server`. Published builds
// bundle the former and depend on the latter normally; here both point at source, so nothing needs building first.
import { fileURLToPath } from 'node:url';

export const workspaceAliases = {
  'signet-upload/protocol': fileURLToPath(new URL('../src/protocol/index.ts', import.meta.url)),
  'signet-upload-server': fileURLToPath(new URL('./src/index.ts', import.meta.url)),
};
