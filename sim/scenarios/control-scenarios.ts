import type { Scenario } from './types.js';

export const controlPlainDelRelease: Scenario = {
  id: 'control-plain-del-release',
  fault: 'none; client releases by plain DEL and sometimes overruns',
  assumption: 'control',
  description: "Negative control: a client that releases with a plain DEL on every node. When it overran its TTL (as after a GC pause), its DEL deletes the next holder's lock and a third client gets in. The lock checker must catch it.",
  // Correct clients share the resources (the broken client's DEL deletes their locks too),
  // and a small pool keeps every resource contended, so that someone is waiting to walk in
  // when a DEL removes the holder's key.
  // Few loops: on two resources more would only queue behind each other.
  runUntilViolations: true,
  groups: [
    { variant: 'plain-del-release', fenced: true, poolSize: 2, loops: 2 },
    { variant: 'correct', fenced: true, poolSize: 2, loops: 2 },
  ],
  nemeses: () => [],
  expected: () => ({ locks: 'unsafe', liveness: {} }),
};

export const controlLongCriticalSection: Scenario = {
  id: 'control-long-critical-section',
  fault: 'none; client works longer than the TTL',
  assumption: 'control',
  description: "Negative control: a client whose critical section outlasts the TTL and never extends. Its window ends at validity end, so the lock checker sees no overlap; the effects checker must catch its late writes: rejected by the fenced resource, lost updates in the unfenced control.",
  groups: [
    { variant: 'long-critical-section', fenced: true, pool: 'r' },
    { variant: 'long-critical-section', fenced: false, pool: 'u' },
    { variant: 'correct', fenced: true, pool: 'r' },
    { variant: 'correct', fenced: false, pool: 'u' },
  ],
  nemeses: () => [],
  expected: () => ({ locks: 'safe', staleRejected: 'some', controlsCaught: ['none'], liveness: {} }),
};
