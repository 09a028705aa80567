// The examples import `signet-upload` as an app does after `npm install signet-upload`: its published entries, the
// built dist/ of this repository (run `npm run build` first). An installed package needs no alias.
import { fileURLToPath } from 'node:url';

const dist = (file) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));

export const signetUpload = [
  { find: /^signet-upload\/define$/, replacement: dist('define.js') },
  { find: /^signet-upload$/, replacement: dist('index.js') },
];
