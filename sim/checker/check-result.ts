/** Jepsen's three answers: valid, invalid, or the checker could not tell. */
export type Validity = true | false | 'unknown';

/** What a checker that ran to the end returns. */
export interface KnownCheckResult<D> {
  readonly name: string;
  readonly valid: boolean;
  /** One line for people, e.g. "2 overlapping windows on 1 resource". */
  readonly summary: string;
  /** The checker's numbers and evidence. */
  readonly details: D;
}

/** A checker that threw: the history was malformed or the checker has a bug. */
export interface UnknownCheckResult {
  readonly name: string;
  readonly valid: 'unknown';
  readonly summary: string;
  /** The thrown error's message (with its name). */
  readonly error: string;
  readonly details?: undefined;
}

export type CheckResult<D = unknown> = KnownCheckResult<D> | UnknownCheckResult;

/**
 * Runs a checker and turns anything it throws, or a result that is not a well-formed
 * verdict, into `valid: 'unknown'`. A crashing checker must never read as a pass.
 */
export function runChecker<D>(name: string, check: () => KnownCheckResult<D>): CheckResult<D> {
  let result: KnownCheckResult<D>;
  try {
    result = check();
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { name, valid: 'unknown', summary: `checker crashed: ${message}`, error: message };
  }
  if (typeof result !== 'object' || result === null || typeof result.valid !== 'boolean') {
    const message = `checker returned no boolean verdict: ${String((result as { valid?: unknown } | null)?.valid)}`;
    return { name, valid: 'unknown', summary: message, error: message };
  }
  return result.name === name ? result : { ...result, name };
}
