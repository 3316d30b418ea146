import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { breaches } from '../../../sim/explore/assumptions.js';
import { decodeScenario } from '../../../sim/explore/scenario-codec.js';
import { judge } from '../../../sim/explore/verdict.js';
import { runScenario } from '../../../sim/explore/world.js';

// Found by `redquorum explore --within-assumptions --seed 2002` and shrunk: two correct
// clients, network faults, node pauses and crashes with AOF always. A restarted node has
// no scripts cached; the driver's EVALSHA gets NOSCRIPT and re-sends as EVAL behind what
// was written meanwhile (as ioredis's defineCommand does), so a failed attempt's take-back
// RELEASE can land after the next attempt's ACQUIRE on that node, and, the lock value
// being the same for every attempt of one acquire, delete the key that attempt counted.
const scenario = decodeScenario(readFileSync(new URL('./fixtures/noscript-reorder.scenario', import.meta.url), 'utf8').trim());

describe('explore: a late take-back after a NOSCRIPT fallback (a library bug, found within the assumptions)', () => {
  it('the scenario breaks no assumption', () => {
    expect(breaches(scenario)).toEqual([]);
  });

  // It failed while the library reused one lock value across the attempts of an acquire:
  // the late take-back then deleted the next attempt's key. A fresh value per attempt
  // makes a late take-back harmless.
  it('holds mutual exclusion when scripts go out as EVALSHA with the EVAL fallback', async () => {
    expect(judge(await runScenario(scenario)).anomalies.get('dual-holder') ?? 0).toBe(0);
  });

  it('holds mutual exclusion when the same scenario sends scripts as EVAL only', async () => {
    expect(judge(await runScenario({ ...scenario, scriptMode: 'eval' })).anomalies.size).toBe(0);
  });
});
