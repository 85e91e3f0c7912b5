export * from '../../../backend/src/localnet/world.js';
