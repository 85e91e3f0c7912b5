/**
 * The market simulator of `npm start`: price sources (a seeded random walk with shocks, or a replayed price
 * file) and the driver that applies them to the local world block by block in simulated time.
 *
 * @packageDocumentation
 */
export * from './random-walk.js';
export * from './replay.js';
export * from './simulator.js';
