// Server-side rendering: importing the built package under Node, as a framework's SSR pass does, never touches
// `window` or `document`. Both entries are imported (`signet-upload` defines nothing; `signet-upload/define` registers
// the element with Lit's Node shim of customElements), then React and Vue render the element to HTML. Runs in a fresh
// Node process where `window` and `document` are undefined, as under Node, and every read of them is recorded with
// the file that read it: none may come from the package's own code (Lit checks for a document, SSR-safely, itself).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

const script = `
const touched = [];
for (const name of ['window', 'document']) {
  Object.defineProperty(globalThis, name, {
    configurable: true,
    get() {
      touched.push(name + ' ' + (new Error().stack.split('\\n')[2] ?? '').trim());
      return undefined;
    },
  });
}
const entry = await import('./dist/index.js');
const define = await import('./dist/define.js');
const React = await import('react');
const { renderToString } = await import('react-dom/server');
const vue = await import('vue');
const { renderToString: renderVue } = await import('vue/server-renderer');
const attrs = { 'upload-url': 'https://uploads.example', multiple: true };
const react = renderToString(React.createElement('signet-uploader', attrs));
const app = vue.createSSRApp({ render: () => vue.h('signet-uploader', attrs) });
const vueHtml = await renderVue(app);
console.log(JSON.stringify({
  touched,
  exports: Object.keys(entry).sort(),
  defined: typeof customElements.get('signet-uploader'),
  same: customElements.get('signet-uploader') === define.SignetUploader,
  react,
  vue: vueHtml,
}));
`;

test('importing signet-upload and signet-upload/define under Node, then rendering with React and Vue, reads no window', () => {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const result = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}');
  const ours = (result.touched as string[]).filter((read) => read.includes(`${root}dist/`));
  // Frameworks and Lit look for a window themselves (Vue's runtime does), so reads happen; none is ours.
  expect(result.touched.length).toBeGreaterThan(0);
  expect(ours).toEqual([]);
  expect(result.exports).toContain('SignetUploader');
  expect(result.exports).not.toContain('installCloudinaryGlobal');
  expect(result.defined).toBe('function');
  expect(result.same).toBe(true);
  expect(result.react).toBe('<signet-uploader upload-url="https://uploads.example" multiple=""></signet-uploader>');
  expect(result.vue).toBe('<signet-uploader upload-url="https://uploads.example" multiple></signet-uploader>');
});
