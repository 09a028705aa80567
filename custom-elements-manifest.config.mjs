// custom-elements.json comes from the class JSDoc alone; test/manifest.test.ts fails when it is stale.
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/server/**', 'src/**/*.d.ts'],
  litelement: true,
  // package.json's `customElements` already points at the committed file; the staleness test must not rewrite it.
  packagejson: false,
};
