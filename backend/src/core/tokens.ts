/** Injection tokens of values that are not classes. */
export const CONFIG = Symbol('ServiceConfig');
export const REDIS = Symbol('Redis');
