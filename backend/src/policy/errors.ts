/**
 * Errors thrown by the policy module. Each names what was wrong and carries the values that made it
 * wrong, so a caller (the scanner, the plan-preview endpoint) can log or return them as they are.
 *
 * @packageDocumentation
 */

/** Base class of every error the policy module throws. */
export abstract class PolicyError extends Error {
  protected constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A fixed-point operation was asked to do something undefined (divide by zero, root of a negative). */
export class MathDomainError extends PolicyError {
  /**
   * @param operation - The operation that failed, for example `mulDivDown`.
   * @param operands - The operands it was given.
   */
  constructor(
    public readonly operation: string,
    public readonly operands: readonly bigint[],
  ) {
    super(`${operation}(${operands.join(', ')}) is undefined`);
  }
}

/** The module's on-chain limits are inconsistent; every problem found is listed. */
export class InvalidModuleLimitsError extends PolicyError {
  /** @param problems - One sentence per violated rule. */
  constructor(public readonly problems: readonly string[]) {
    super(`invalid module limits: ${problems.join('; ')}`);
  }
}

/** The policy parameters are out of range; every problem found is listed. */
export class InvalidPolicyParametersError extends PolicyError {
  /** @param problems - One sentence per violated rule. */
  constructor(public readonly problems: readonly string[]) {
    super(`invalid policy parameters: ${problems.join('; ')}`);
  }
}

/** A price sample cannot be used (a non-positive price). */
export class InvalidPriceSampleError extends PolicyError {
  /**
   * @param index - Position of the sample in the series the caller passed.
   * @param price - The offending price.
   */
  constructor(
    public readonly index: number,
    public readonly price: bigint,
  ) {
    super(`price sample ${index} is not positive: ${price}`);
  }
}
