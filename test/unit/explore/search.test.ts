import { describe, expect, it } from 'vitest';
import { CommanderError } from 'commander';
import { explore, type ExploreOptions } from '../../../sim/explore/explore.js';
import { exploreCommand } from '../../../sim/explore/explore-command.js';
import { breaches, unexplained } from '../../../sim/explore/assumptions.js';
import { generateScenario } from '../../../sim/explore/swarm.js';
import { judge, type Anomaly } from '../../../sim/explore/verdict.js';
import { runScenario } from '../../../sim/explore/world.js';

const BOUNDED: Omit<ExploreOptions, 'seed' | 'mode' | 'controls'> = { opsTotal: 1_000_000_000, opsPerRun: 200, runsMax: 10, timeLimitMs: 120_000 };

function kinds(runsWith: ReadonlyMap<Anomaly, number>): Anomaly[] {
  return [...runsWith.keys()].sort();
}

// Bounded by runs, not by time, so each search is the same on a fast or a loaded machine.
describe('explore: a short search finds the known violations and no others', () => {
  it('swarm: finds dual holders and late writes, each explained by an assumption the scenario breaks', async () => {
    const summary = await explore({ ...BOUNDED, seed: 2, mode: 'swarm', controls: [], kinds: ['crash', 'clock-jump', 'client-pause', 'clock-rate', 'partition'] });
    expect(kinds(summary.runsWith)).toEqual(['dual-holder', 'late-write']);
    expect(summary.findings.flatMap((f) => f.unexplained)).toEqual([]);
  });

  // Tokens carry the holder's wall clock, so a regression needs fencing counters lost on
  // a quorum's intersection and a client clock behind: rare (1 run in 347 that
  // `explore --seed 7 --ops-per-run 100 --faults crash,clock-jump` made, stopped by its
  // default --ops). This is that one. A scenario is a schedule of the library's own
  // messages, so a change to what the library sends can end a seed's regression: that
  // search finds another (as it did when fencing went to two round trips, and when a
  // failed attempt stopped taking back the nodes that refused it).
  it('swarm: a token regression after an empty restart and clock jumps, explained', async () => {
    const scenario = generateScenario(2936180510, { mode: 'swarm', ops: 100, kinds: ['crash', 'clock-jump'] });
    const verdict = judge(await runScenario(scenario));
    expect(verdict.anomalies.get('token-regression') ?? 0).toBeGreaterThan(0);
    expect(unexplained(verdict.anomalies, scenario)).toEqual([]);
    expect(breaches(scenario).map((b) => b.name)).toEqual(expect.arrayContaining(['crash-immediate-restart']));
  });

  it('within the assumptions: nothing at all', async () => {
    const summary = await explore({ ...BOUNDED, seed: 2, mode: 'within', controls: [] });
    expect(summary.attempts).toBeGreaterThan(2000);
    expect(summary.findings.map((f) => `${f.scenario.seed}`)).toEqual([]);
  });

  // The controls' bugs need a slow acquisition or an overrun to show: client pauses and
  // partitions for the naive client (which alone explains a dual holder there: a client
  // pause can only explain a late write), nothing but contention for the plain DEL.
  // A seed's ten runs catch it about half the time (seeds 1 to 12 of this search: 6), and
  // which seeds do moves with what the library sends; the first of seeds 1 to 6 that does
  // is the one judged, so a library change does not need a new seed here.
  it('the no-validity-check negative control is caught within seconds of simulated search', async () => {
    let found: Awaited<ReturnType<typeof explore>> | undefined;
    for (let seed = 1; seed <= 6 && found === undefined; seed += 1) {
      const summary = await explore({ ...BOUNDED, opsPerRun: 100, seed, mode: 'swarm', controls: ['no-validity-check'], kinds: ['client-pause', 'partition', 'latency'] });
      expect(summary.findings.flatMap((f) => f.unexplained)).toEqual([]);
      if ((summary.runsWith.get('dual-holder') ?? 0) > 0) found = summary;
    }
    expect(found).toBeDefined();
    expect(found?.simulatedMsToFirstFinding).toBeLessThan(60_000);
  });

  it('the plain-del-release negative control is caught within seconds of simulated search, within the assumptions', async () => {
    const summary = await explore({ ...BOUNDED, opsPerRun: 100, runsMax: 4, seed: 1, mode: 'within', controls: ['plain-del-release'] });
    expect(summary.runsWith.get('dual-holder') ?? 0).toBeGreaterThan(0);
    expect(summary.simulatedMsToFirstFinding).toBeLessThan(10_000);
    expect(summary.findings.flatMap((f) => f.unexplained)).toEqual([]);
  });
});

describe('explore command options', () => {
  const parse = async (args: string[]): Promise<string> => {
    const command = exploreCommand().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
    command.action(() => {});
    try {
      await command.parseAsync(args, { from: 'user' });
      return 'accepted';
    } catch (error) {
      return error instanceof CommanderError ? error.message : String(error);
    }
  };

  it('rejects bad values naming the option and its range', async () => {
    expect(await parse(['--ops', '0'])).toMatch(/--ops must be an integer from 1 to 1000000000, got "0"/);
    expect(await parse(['--seed', '-1'])).toMatch(/--seed must be an integer from 0 to 4294967295/);
    expect(await parse(['--ops-per-run', '1e3'])).toMatch(/--ops-per-run must be an integer from 1 to 100000/);
    expect(await parse(['--controls', 'no-fencing'])).toMatch(/--controls takes no-validity-check, plain-del-release/);
    expect(await parse(['--faults', 'meteor'])).toMatch(/--faults takes partition, latency/);
    expect(await parse(['--seed', '7', '--ops', '10'])).toBe('accepted');
  });
});
