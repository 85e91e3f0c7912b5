// Jest runs the TypeScript sources as native ES modules (NestJS 12 is ESM-only), transpiled by swc.
// Run it through `npm run test:backend`, which sets NODE_OPTIONS=--experimental-vm-modules.
import { swcOptions } from './backend/tools/swc-options.mjs';

/** @type {import('jest').Config} */
const config = {
  roots: ['<rootDir>/test/backend'],
  testMatch: ['**/*.spec.ts'],
  testEnvironment: 'node',
  // End-to-end suites start Nest apps, BullMQ workers and head pollers; every one is closed in afterAll and leaves no
  // known timer or socket behind (the last known ones: ioredis after a refused connection, viem's watchBlocks; see
  // disconnectClient and chain/heads.ts). A new leak would show as jest's "worker failed to exit gracefully"
  // warning; this only keeps it from hanging CI.
  forceExit: true,
  // anvil, forge and Redis per suite: two at a time on a 2-core machine.
  maxWorkers: 2,
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    // Sources import siblings as `./x.js` (NodeNext); jest resolves the `.ts` file behind it.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['@swc/jest', swcOptions({ sourceMaps: 'inline' })],
  },
};

export default config;
