export * from '../../../backend/src/localnet/anvil.js';
