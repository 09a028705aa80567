// custom-elements.json comes from the class JSDoc alone; test/manifest.test.ts fails when it is stale.
export default {
  globs: ['src/**/*.ts'],
  // The locales are data (thousands of strings), not API: `SignetLocale` is documented in src/locales/en.ts.
  exclude: ['src/**/*.d.ts', 'src/locales/**'],
  litelement: true,
  // package.json's `customElements` already points at the committed file; the staleness test must not rewrite it.
  packagejson: false,
  // The analyzer reads files concurrently, so module order varies between runs: sort it for a stable file.
  plugins: [
    {
      name: 'signet-sort-modules',
      packageLinkPhase({ customElementsManifest }) {
        customElementsManifest.modules.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      },
    },
  ],
};
