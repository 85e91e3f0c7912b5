// One swc configuration for everything that runs the backend's TypeScript: jest (test/backend) and the
// transpile step behind `npm start`, `npm run backtest` and `npx ballast` (backend/tools/build.mjs).
// Nest resolves constructor injection from decorator metadata: without it, it injects undefined.

/** @param {{ sourceMaps: boolean | 'inline' }} options */
export function swcOptions({ sourceMaps }) {
  return {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    },
    module: { type: 'es6' },
    sourceMaps,
  };
}
