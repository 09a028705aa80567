// custom-elements.json comes from the class JSDoc alone; test/manifest.test.ts fails when it is stale.
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/server/**', 'src/**/*.d.ts'],
  litelement: true,
};
