/**
 * A bad command-line value. The message names the option and the allowed range, so a
 * user can fix the command without reading the source.
 */
export class BenchOptionError extends RangeError {
  override readonly name = 'BenchOptionError';

  constructor(
    /** The option as typed on the command line, e.g. `--iterations`. */
    readonly option: string,
    message: string,
  ) {
    super(`${option} ${message}`);
  }
}
