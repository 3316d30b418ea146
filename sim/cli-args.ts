import { InvalidArgumentError } from 'commander';

/**
 * Parsers of the lab's and the simulator's command-line options: each names its option
 * and the allowed range in the error commander prints.
 */

/** An integer option from `min` to `max`. */
export function integerArg(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < min || number > max) {
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
    }
    return number;
  };
}

/** A number option from `min` to `max`. */
export function numberArg(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!Number.isFinite(number) || number < min || number > max) {
      throw new InvalidArgumentError(`${name} must be a number from ${min} to ${max}, got "${value}"`);
    }
    return number;
  };
}
