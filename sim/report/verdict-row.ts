/**
 * One scenario's line in the verdict table (the columns FAULTS.md "What a run reports"
 * lists). Counts are 'unknown' when their checker could not judge the history.
 */
export interface VerdictRow {
  /** Scenario id from FAULTS.md, e.g. "partition-minority". */
  readonly scenario: string;
  /** The faults injected, short, e.g. "timeout on nodes 0,1". */
  readonly faults: string;
  /** Successful acquisitions. */
  readonly acquisitions: number;
  /** Overlapping window pairs found by the lock checker. */
  readonly lockViolations: number | 'unknown';
  /** Writes accepted out of token order; null for the unfenced control (no tokens). */
  readonly outOfOrderAccepted: number | 'unknown' | null;
  /** Writes the fenced resource rejected; null for the unfenced control. */
  readonly staleWritesRejected: number | 'unknown' | null;
  /** Share of acquire attempts that succeeded, in [0, 1]; null with no attempts. */
  readonly availability: number | null;
  readonly acquireLatencyP50Ms: number | null;
  readonly acquireLatencyP99Ms: number | null;
  /** What the spec predicts, e.g. "0 violations; still available". */
  readonly expected: string;
  /** What the run showed, in the same words. */
  readonly observed: string;
  /** Whether observed matches expected. */
  readonly pass: boolean;
  /**
   * What the harness had to do that a reader must know, e.g. "toxiproxy-server hung and
   * was restarted". The verdict cell gets a "*" and the table lists the notes under it.
   * @default none
   */
  readonly notes?: readonly string[];
}
