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
  /** Successful acquisitions of each client group, in group order. @default none */
  readonly acquisitionsByGroup?: readonly number[];
  /** The groups the fault targets (their minimum is part of the evidence). @default none */
  readonly targetedGroups?: readonly number[];
  /** Overlapping window pairs found by the lock checker. */
  readonly lockViolations: number | 'unknown';
  /** Acquisitions whose token is not above an earlier-completed one's; null when no acquisition had a token. */
  readonly tokenRegressions: number | 'unknown' | null;
  /** The Kleppmann register's lost updates; null when the run wrote none. */
  readonly lostUpdates: number | 'unknown' | null;
  /** Writes the Kleppmann register accepted with a token not above an earlier accepted one; null when none was written. */
  readonly staleWritesAccepted: number | 'unknown' | null;
  /** Writes the Kleppmann register rejected; null when none was written. */
  readonly staleWritesRejected: number | 'unknown' | null;
  /** The rejections by cause. @default none */
  readonly rejectedByCause?: { readonly validityEnded: number; readonly regressionVictim: number; readonly superseded: number };
  /** The negative-control registers and whether each was caught, e.g. "write-check: lost-update". null when none ran. */
  readonly controls: string | null;
  /** Unsafe rows: faults injected and faults followed by a lock violation. null elsewhere. */
  readonly detection: { readonly faults: number; readonly productive: number } | null;
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
