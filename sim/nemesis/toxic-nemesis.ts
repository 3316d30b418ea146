import type { Testbed } from '../testbed/testbed.js';
import { faultEvent, type Nemesis, type NemesisContext } from './nemesis.js';
import { placeToxics, removeToxics, type ToxicPlacement } from './toxics.js';

/** What a network nemesis is: where its toxics go on a given testbed, and how to say so. */
export interface ToxicPlan {
  /** Checks the nemesis's nodes and groups against the testbed; RangeError if they do not fit. */
  placements(testbed: Testbed): ToxicPlacement[];
  /** Fault event detail, e.g. "nodes 0,1 black-holed for groups 0,1". */
  detail(testbed: Testbed): string;
  /** Starts measuring the fault's effect once the toxics are in place. @default none */
  startMeasuring?(ctx: NemesisContext): void;
  /** Stops measuring before the toxics go; the numbers go on the stop event. @default none */
  stopMeasuring?(ctx: NemesisContext): Promise<Readonly<Record<string, number>>>;
}

/**
 * The shared body of every Toxiproxy nemesis: inject places the plan's toxics, heal removes
 * exactly those (by name, so other nemeses' toxics on the same proxies stay).
 */
export function toxicNemesis(name: string, plan: ToxicPlan): Nemesis {
  let active = false;
  const heal = async (ctx: NemesisContext): Promise<void> => {
    const measured = active && plan.stopMeasuring !== undefined ? await plan.stopMeasuring(ctx) : undefined;
    await removeToxics(ctx.testbed, plan.placements(ctx.testbed));
    if (active) ctx.record({ ...faultEvent('stop', name, plan.detail(ctx.testbed)), ...(measured === undefined ? {} : { measured }) });
    active = false;
  };
  return {
    name,
    setup: heal,
    async inject(ctx) {
      if (active) return;
      await placeToxics(ctx.testbed, plan.placements(ctx.testbed));
      active = true;
      ctx.record(faultEvent('start', name, plan.detail(ctx.testbed)));
      plan.startMeasuring?.(ctx);
    },
    heal,
    teardown: heal,
    async restore(ctx) {
      if (active) await placeToxics(ctx.testbed, plan.placements(ctx.testbed));
    },
  };
}
