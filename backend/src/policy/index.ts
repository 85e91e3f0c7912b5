/**
 * The keeper's policy: pure functions from a module's state, limits and recent prices to a plan.
 * No I/O; every amount is a bigint. See README.md in this folder for the methodology.
 *
 * @packageDocumentation
 */
export * from './errors.js';
export * from './leverage.js';
export * from './math.js';
export * from './parameters.js';
export * from './plan.js';
export * from './plan-hash.js';
export * from './types.js';
export * from './volatility.js';
