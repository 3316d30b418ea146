import { describe, expect, it } from 'vitest';
import { describeStrike, HoldBoard } from '../../../sim/run/hold-board.js';

const SPEC = { holderGroups: [0, 1], minHeldMs: 10, minRemainingMs: 300 };

describe('HoldBoard (the reactive faults\' view of the holders)', () => {
  it('strikes only while a targeted holder is inside its critical section and another group waits', () => {
    const board = new HoldBoard();
    board.apply({ state: 'holding', worker: 1, group: 0, resource: 'k0', sinceMs: 1000, validUntilMs: 1980 });
    // Nobody waits yet.
    expect(board.findStrike(SPEC, 1100)).toBeUndefined();
    // A waiter of the same group is no use: it cannot take the lock the fault frees.
    board.apply({ state: 'waiting', worker: 2, group: 0, resource: 'k0' });
    expect(board.findStrike(SPEC, 1100)).toBeUndefined();
    board.apply({ state: 'waiting', worker: 3, group: 1, resource: 'k0' });
    const strike = board.findStrike(SPEC, 1100);
    expect(strike).toMatchObject({ resource: 'k0', holderWorker: 1, holderGroup: 0, heldMs: 100, remainingMs: 880, waitingGroups: [1] });
    expect(describeStrike(strike!)).toBe('worker 1 (group 0) inside its critical section on k0 for 100 ms (880 ms of validity left), group 1 waiting');
  });

  it('waits for the hold to have begun and to have enough validity left', () => {
    const board = new HoldBoard();
    board.apply({ state: 'holding', worker: 1, group: 0, resource: 'k0', sinceMs: 1000, validUntilMs: 1980 });
    board.apply({ state: 'waiting', worker: 3, group: 1, resource: 'k0' });
    expect(board.findStrike(SPEC, 1005)).toBeUndefined();
    expect(board.findStrike(SPEC, 1700)).toBeUndefined();
  });

  it('forgets a holder that let go and a waiter that got the lock or gave up', () => {
    const board = new HoldBoard();
    board.apply({ state: 'holding', worker: 1, group: 0, resource: 'k0', sinceMs: 1000, validUntilMs: 1980 });
    board.apply({ state: 'waiting', worker: 3, group: 1, resource: 'k0' });
    board.apply({ state: 'idle', worker: 1, group: 0, resource: 'k0' });
    expect(board.findStrike(SPEC, 1100)).toBeUndefined();
    board.apply({ state: 'holding', worker: 1, group: 0, resource: 'k0', sinceMs: 1200, validUntilMs: 2180 });
    board.apply({ state: 'idle', worker: 3, group: 1, resource: 'k0' });
    expect(board.findStrike(SPEC, 1300)).toBeUndefined();
  });

  it('ignores holders of groups the fault does not target', () => {
    const board = new HoldBoard();
    board.apply({ state: 'holding', worker: 7, group: 2, resource: 'r0', sinceMs: 1000, validUntilMs: 1980 });
    board.apply({ state: 'waiting', worker: 3, group: 1, resource: 'r0' });
    expect(board.findStrike(SPEC, 1100)).toBeUndefined();
  });
});
