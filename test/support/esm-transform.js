// Jest on Node 20 cannot require() ES modules, and NestJS 12 and several of its dependencies ship only those.
// This transformer compiles a node_modules file with SWC when it uses ESM syntax and leaves CommonJS files alone.
const { createTransformer } = require('@swc/jest');

const ESM = /^\s*(import\s*[\w{*'"]|export\s)/m;

module.exports = {
  createTransformer(options) {
    const swc = createTransformer(options);
    return {
      ...swc,
      process(source, path, config) {
        return ESM.test(source) ? swc.process(source, path, config) : { code: source };
      },
      getCacheKey(source, path, config) {
        return `${ESM.test(source) ? 'esm' : 'cjs'}:${swc.getCacheKey(source, path, config)}`;
      },
    };
  },
};
