// Jest runs the TypeScript sources as native ES modules (NestJS 12 is ESM-only), transpiled by swc.
// Run it through `npm run test:backend`, which sets NODE_OPTIONS=--experimental-vm-modules.
/** @type {import('jest').Config} */
const config = {
  roots: ['<rootDir>/test/backend'],
  testMatch: ['**/*.spec.ts'],
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    // Sources import siblings as `./x.js` (NodeNext); jest resolves the `.ts` file behind it.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          // Nest resolves constructor injection from decorator metadata: without it, it injects undefined.
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        },
        module: { type: 'es6' },
        sourceMaps: 'inline',
      },
    ],
  },
};

export default config;
