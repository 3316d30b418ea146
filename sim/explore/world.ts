import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Redlock } from '../../src/index.js';
import type { AttemptEvent } from '../../src/diagnostics.js';
import type { FaultEvent, HistoryEvent } from '../history/types.js';
import { Random } from '../random.js';
import { ClockModel } from './clock-model.js';
import { LuaVm } from './lua-vm.js';
import { Link } from './network.js';
import { FencedRegister } from './register.js';
import type { RedisReply } from './reply.js';
import type { Fault, Scenario } from './scenario.js';
import { Actor, Scheduler, type RunEnd } from './scheduler.js';
import { SimNode } from './sim-node.js';
import { SimNodeClient } from './sim-node-client.js';
import { simRuntime } from './sim-runtime.js';
import { runClient, type ClientContext } from './workload.js';

/** What one run produced. */
export interface RunResult {
  readonly history: readonly HistoryEvent[];
  /** Lock operation attempts the library made (acquire, extend and release attempts). */
  readonly attempts: { readonly acquire: number; readonly extend: number; readonly release: number };
  /** Operations the workload started. */
  readonly operations: number;
  readonly simulatedMs: number;
  readonly events: number;
  readonly end: RunEnd;
  /** Clients whose operations had not all ended when the run stopped. */
  readonly unfinishedClients: number;
}

/** Bound of events per run: a run that would not end stops here and says so. */
export const EVENTS_PER_OP_MAX = 10_000;

let sharedVm: LuaVm | undefined;

/** The Lua VM shared by every simulated node of this thread (the scripts keep no state in it). */
export function luaVm(): LuaVm {
  sharedVm ??= new LuaVm();
  return sharedVm;
}

/**
 * Builds a simulated world from a scenario and runs it to the end: N nodes, one
 * Redlock per client on simulated NodeClients with a virtual-time Runtime, the fenced
 * register, the network and the faults. Attempts are counted on the library's own
 * `redquorum:attempt` channel, so the count is what the library did, not what was asked.
 */
/** One command a node ran, for timelines. */
export interface TraceEntry {
  readonly timeMs: number;
  readonly node: number;
  readonly client: number;
  readonly args: readonly string[];
  readonly reply: RedisReply;
}

export interface RunOptions {
  /** Hears every command the nodes run. @default none */
  readonly trace?: (entry: TraceEntry) => void;
}

export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<RunResult> {
  const trace = options.trace;
  const scheduler = new Scheduler();
  const root = new Random(scenario.seed);
  const now = (): number => scheduler.nowMs;
  const vm = luaVm();
  const nodes = Array.from({ length: scenario.nodes }, (_, n) => new SimNode(n, new ClockModel(scenario.nodeClocks[n] ?? IDEAL, now), vm));
  const history: HistoryEvent[] = [];
  const register = new FencedRegister(scheduler);
  const attempts = { acquire: 0, extend: 0, release: 0 };
  let operations = 0;
  const onAttempt = (message: unknown): void => {
    const event = message as AttemptEvent;
    if (event.operation === 'acquire' || event.operation === 'extend' || event.operation === 'release') attempts[event.operation] += 1;
  };

  const drivers: SimNodeClient[][] = [];
  const contexts: ClientContext[] = scenario.clients.map((variant, c) => {
    const id = scenario.clientIds?.[c] ?? c;
    const actor = new Actor(`client ${c}`);
    const clock = new ClockModel(scenario.clientClocks[c] ?? IDEAL, now);
    const random = root.fork(`client:${id}`);
    const runtime = simRuntime(scheduler, actor, clock, root.fork(`runtime:${id}`));
    const row = nodes.map((node, n) => {
      const link = new Link(c, n, scenario.latency, scenario.lossChance, root.fork(`link:${id}:${n}`));
      const reconnectRandom = root.fork(`reconnect:${id}:${n}`);
      return new SimNodeClient({
        scheduler,
        client: actor,
        node,
        link,
        // ioredis's default retry strategy, min(50 x attempt, 2000) ms, with a little spread.
        ...(scenario.scriptMode === undefined ? {} : { scriptMode: scenario.scriptMode }),
        reconnectDelayMs: (attempt) => Math.min(50 * attempt, 2000) * (0.5 + reconnectRandom.next()),
        ...(trace === undefined ? {} : { trace: (args: readonly string[], reply: RedisReply) => trace({ timeMs: scheduler.nowMs, node: n, client: c, args, reply }) }),
      });
    });
    drivers.push(row);
    const redlock = new Redlock(
      row,
      {
        driftFactor: scenario.driftFactor,
        retryCount: scenario.retryCount,
        retryDelay: scenario.retryDelayMs,
        retryJitter: Math.floor(scenario.retryDelayMs / 2),
        fencing: true,
        releaseNotifications: scenario.releaseNotifications,
      },
      { runtime },
    );
    // Per-node errors are expected under faults; each call's outcome is what is recorded.
    redlock.on('error', () => {});
    return { index: c, variant, scenario, scheduler, actor, clock, runtime, random, redlock, drivers: row, register, history };
  });

  for (const fault of scenario.faults) scheduleFault(fault, { scheduler, nodes, drivers, contexts, history });

  subscribe('redquorum:attempt', onAttempt);
  // The library makes an Error per refusing node; their stack traces are most of their
  // cost and nothing here reads them, so a run captures none (restored after the run).
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    let finished = 0;
    let failure: unknown;
    for (const ctx of contexts) {
      // Each client starts from an event of its own, so that it starts paused if it must.
      scheduler.at(0, () => {
        runClient(ctx, () => (operations += 1)).then(
          () => (finished += 1),
          (error: unknown) => {
            failure ??= error;
          },
        );
      }, ctx.actor);
    }
    const eventsMax = Math.max(1, scenario.clients.length * scenario.opsPerClient) * EVENTS_PER_OP_MAX;
    const end = await scheduler.run(Number.POSITIVE_INFINITY, eventsMax);
    // The workload records every library error as an outcome; anything escaping it is a simulator bug.
    if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));
    for (const ctx of contexts) await ctx.redlock.quit();
    return { history, attempts, operations, simulatedMs: scheduler.nowMs, events: scheduler.eventCount, end, unfinishedClients: contexts.length - finished };
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    unsubscribe('redquorum:attempt', onAttempt);
  }
}

const IDEAL = { rate: 1, periodicMs: 0, periodMs: 10_000 };

interface FaultTargets {
  readonly scheduler: Scheduler;
  readonly nodes: readonly SimNode[];
  readonly drivers: readonly (readonly SimNodeClient[])[];
  readonly contexts: readonly ClientContext[];
  readonly history: HistoryEvent[];
}

function scheduleFault(fault: Fault, t: FaultTargets): void {
  const { scheduler } = t;
  const mark = (type: 'start' | 'stop', detail: string): void => {
    const event: FaultEvent = { kind: 'fault', type, name: fault.kind, detail, timeMs: scheduler.nowMs };
    t.history.push(event);
  };
  const window = (durationMs: number, detail: string, start: () => void, stop: () => void): void => {
    scheduler.at(fault.atMs, () => {
      mark('start', detail);
      start();
      scheduler.after(durationMs, () => {
        stop();
        mark('stop', detail);
      }, undefined, false);
    }, undefined, false);
  };
  const links = (client: number | 'all', nodes: readonly number[]): Link[] =>
    t.drivers.flatMap((row, c) => (client === 'all' || client === c ? nodes.flatMap((n) => (row[n] === undefined ? [] : [row[n].link])) : []));

  switch (fault.kind) {
    case 'partition': {
      const cut = (delta: number): void => {
        for (const link of links(fault.client, fault.nodes)) {
          if (fault.direction !== 'reply') link.requestCuts += delta;
          if (fault.direction !== 'request') link.replyCuts += delta;
        }
      };
      window(fault.durationMs, `client ${fault.client} / nodes ${fault.nodes.join(',')} cut (${fault.direction})`, () => cut(1), () => cut(-1));
      return;
    }
    case 'latency':
      window(fault.durationMs, `nodes ${fault.nodes.join(',')} +${fault.extraMs} ms`, () => {
        for (const link of links('all', fault.nodes)) link.extraMs += fault.extraMs;
      }, () => {
        for (const link of links('all', fault.nodes)) link.extraMs -= fault.extraMs;
      });
      return;
    case 'reset':
      scheduler.at(fault.atMs, () => {
        mark('start', `client ${fault.client} / node ${fault.node} reset`);
        t.drivers[fault.client]?.[fault.node]?.reset();
      }, undefined, false);
      return;
    case 'crash': {
      const node = t.nodes[fault.node];
      if (node === undefined) return;
      window(fault.downMs, `node ${fault.node} killed (${fault.persistence}), restart after ${fault.downMs} ms`, () => {
        node.persistence = fault.persistence;
        node.crash();
        for (const row of t.drivers) row[fault.node]?.nodeCrashed();
      }, () => node.restart());
      return;
    }
    case 'node-pause': {
      const node = t.nodes[fault.node];
      if (node === undefined) return;
      window(fault.durationMs, `node ${fault.node} paused`, () => scheduler.pause(node.actor, fault.durationMs), () => {});
      return;
    }
    case 'clock-jump':
      scheduler.at(fault.atMs, () => {
        mark('start', `node ${fault.node} wall clock ${fault.jumpMs >= 0 ? '+' : ''}${fault.jumpMs} ms`);
        t.nodes[fault.node]?.clock.step(fault.jumpMs);
      }, undefined, false);
      return;
    case 'client-clock-jump':
      scheduler.at(fault.atMs, () => {
        mark('start', `client ${fault.client} wall clock ${fault.jumpMs >= 0 ? '+' : ''}${fault.jumpMs} ms`);
        t.contexts[fault.client]?.clock.step(fault.jumpMs);
      }, undefined, false);
      return;
    case 'client-pause': {
      const ctx = t.contexts[fault.client];
      if (ctx === undefined) return;
      window(fault.durationMs, `client ${fault.client} paused`, () => scheduler.pause(ctx.actor, fault.durationMs), () => {});
      return;
    }
  }
}
