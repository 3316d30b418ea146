import { describe, expect, it } from 'vitest';
import { Random } from '../../../sim/random.js';
import { planNemeses } from '../../../sim/run/fault-timeline.js';
import { planWorkers, splitWorkers } from '../../../sim/run/worker-plan.js';
import { resolveSettings } from '../../../sim/run/settings.js';
import { CATALOG, selectScenarios } from '../../../sim/scenarios/catalog.js';
import { planWindows, type ScheduleSpec } from '../../../sim/scenarios/schedule.js';

const SPEC: ScheduleSpec = { firstStartMs: [400, 800], durationMs: [300, 900], gapMs: [100, 500], tailMs: 1500, maxWindows: 100 };
const ENDPOINTS = {
  clientEndpoints: (group: number) => [0, 1, 2, 3, 4].map((node) => ({ host: '127.0.0.1', port: 20_000 + group * 10 + node })),
  resourceEndpoint: { host: '127.0.0.1', port: 6390 },
};

describe('fault schedule', () => {
  it('is the same for the same seed and differs for another seed', () => {
    expect(planWindows(SPEC, 10_000, new Random(5))).toEqual(planWindows(SPEC, 10_000, new Random(5)));
    expect(planWindows(SPEC, 10_000, new Random(5))).not.toEqual(planWindows(SPEC, 10_000, new Random(6)));
  });

  it('keeps windows ordered, inside their ranges, and leaves the tail quiet', () => {
    const windows = planWindows(SPEC, 10_000, new Random(9));
    expect(windows.length).toBeGreaterThan(2);
    expect(windows[0]?.startMs).toBeGreaterThanOrEqual(400);
    expect(windows[0]?.startMs).toBeLessThanOrEqual(800);
    windows.forEach((window, index) => {
      expect(window.endMs - window.startMs).toBeGreaterThanOrEqual(300);
      expect(window.endMs - window.startMs).toBeLessThanOrEqual(900);
      expect(window.endMs).toBeLessThanOrEqual(10_000 - 1500);
      const next = windows[index + 1];
      if (next) expect(next.startMs - window.endMs).toBeGreaterThanOrEqual(100);
    });
    expect(planWindows({ ...SPEC, maxWindows: 1 }, 10_000, new Random(9))).toHaveLength(1);
  });

  it('gives every catalog scenario at least one window in the short run, the same for the same seed', () => {
    for (const short of [true, false]) {
      const settings = resolveSettings({ seed: 11, short });
      for (const scenario of CATALOG) {
        // As the runner does: a scenario may need a longer run than the preset, and its
        // schedule, scaled to that duration, repeats up to the row's bound.
        const runMs = Math.max(settings.runMs, scenario.minRunMs?.({ ttlMs: settings.ttlMs, nodes: 5 }) ?? 0);
        const params = { ttlMs: settings.ttlMs, runMs, nodes: 5, workersPerGroup: splitWorkers(settings.workers, scenario.groups) };
        const plan = (seed: number) =>
          planNemeses(scenario.nemeses(params, new Random(seed).fork('faults')), Math.max(runMs, settings.evidenceBoundMs), new Random(seed)).map((p) => ({
            name: p.nemesis.name,
            wholeRun: p.wholeRun,
            windows: p.windows,
            reactive: p.reactive,
            // The stream a nemesis draws its choices from (which worker, how long a strike lasts).
            choices: [p.random.next(), p.random.next()],
          }));
        const first = plan(11);
        expect(first, scenario.id).toEqual(plan(11));
        if (first.length > 0) expect(first, scenario.id).not.toEqual(plan(12));
        for (const nemesis of first) {
          if (nemesis.wholeRun || nemesis.reactive !== undefined) continue;
          // The first fault starts within the row's duration, the least the row runs.
          expect(nemesis.windows[0]?.startMs ?? Infinity, `${scenario.id} ${nemesis.name}`).toBeLessThan(runMs);
        }
      }
    }
  });

  it('plays both latency-majority magnitudes again in every period of its duration up to the bound, never at once', () => {
    const settings = resolveSettings({ seed: 20_240_611, short: true });
    const [scenario] = selectScenarios(['latency-majority']);
    if (!scenario) throw new Error('latency-majority is missing');
    const runMs = Math.max(settings.runMs, scenario.minRunMs?.({ ttlMs: settings.ttlMs, nodes: 5 }) ?? 0);
    const params = { ttlMs: settings.ttlMs, runMs, nodes: 5, workersPerGroup: splitWorkers(settings.workers, scenario.groups) };
    const [tight, hopeless] = planNemeses(scenario.nemeses(params, new Random(1).fork('faults')), settings.evidenceBoundMs, new Random(1));
    const periods = Math.floor(settings.evidenceBoundMs / runMs);
    expect(periods).toBeGreaterThanOrEqual(3);
    // Every whole period has both (a part period after them may hold the first).
    expect(tight?.windows.length).toBeGreaterThanOrEqual(periods);
    expect(hopeless?.windows.length).toBeGreaterThanOrEqual(periods);
    const all = [...(tight?.windows ?? []), ...(hopeless?.windows ?? [])].sort((a, b) => a.startMs - b.startMs);
    all.forEach((window, index) => {
      const next = all[index + 1];
      if (next) expect(next.startMs).toBeGreaterThan(window.endMs);
      expect(Math.floor(window.startMs / runMs)).toBe(Math.floor(window.endMs / runMs));
    });
  });

  it('plans the same workers for the same seed, one seed per worker', () => {
    const settings = resolveSettings({ seed: 3, short: true });
    const [scenario] = selectScenarios(['client-pause-hold']);
    if (!scenario) throw new Error('client-pause-hold is missing');
    const a = planWorkers(scenario, settings, ENDPOINTS, '/tmp/h', new Random(3));
    const b = planWorkers(scenario, settings, ENDPOINTS, '/tmp/h', new Random(3));
    expect(a).toEqual(b);
    const loops = a.flatMap((config) => config.loops);
    expect(loops.length).toBeGreaterThanOrEqual(a.length);
    expect(new Set(loops.map((loop) => loop.seed)).size).toBe(loops.length);
    expect(loops.map((loop) => loop.workerId)).toEqual(loops.map((_loop, index) => index));
    expect(a.every((config) => config.workerId === config.loops[0]?.workerId)).toBe(true);
    expect(new Set(a.map((config) => config.group))).toEqual(new Set([0, 1, 2, 3]));
    expect(a.filter((config) => config.group === 1).every((config) => !config.fenced && config.resources[0] === 'u0')).toBe(true);
  });
});

describe('scenario selection', () => {
  it('covers every FAULTS.md id, and "clock-rate" names both of its rows', () => {
    const ids = CATALOG.map((scenario) => scenario.id);
    for (const id of ['baseline', 'latency-minority', 'latency-majority', 'partition-minority', 'partition-majority', 'partition-asymmetric',
      'one-way-loss', 'resets', 'node-pause', 'crash-delayed-restart', 'rolling-restart', 'crash-fsync-always', 'crash-immediate-restart',
      'partition-crash', 'clock-jump', 'clock-jump-partial', 'clock-jump-back',
      'client-pause-acquire', 'client-pause-hold']) {
      expect(ids).toContain(id);
    }
    expect(selectScenarios(['clock-rate']).map((s) => s.id)).toEqual(['clock-rate-x1.009', 'clock-rate-x2']);
    expect(() => selectScenarios(['nope'])).toThrow(/unknown scenario "nope"/);
  });
});
