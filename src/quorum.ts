/** The smallest majority of `membershipSize` nodes: floor(N / 2) + 1. */
export function quorumSize(membershipSize: number): number {
  return Math.floor(membershipSize / 2) + 1;
}

/** Where a vote count stands: still open, or decided one way. */
export type Decision = 'pending' | 'for' | 'against';

/**
 * Decides an attempt as soon as the outcome is known, without waiting for stragglers:
 * `for` once a quorum agreed, `against` once so many refused that a quorum can no
 * longer be reached (for N = 4, two refusals already decide).
 */
export function decide(membershipSize: number, votesFor: number, votesAgainst: number): Decision {
  const quorum = quorumSize(membershipSize);
  if (votesFor >= quorum) return 'for';
  if (votesAgainst > membershipSize - quorum) return 'against';
  return 'pending';
}
