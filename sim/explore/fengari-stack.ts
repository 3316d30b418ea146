import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The fengari release whose internals `keepStackSlots` was written and measured against (package.json pins it). */
export const FENGARI_VERSION = '0.1.5';

/** A slot of fengari's Lua stack: a mutable value cell (its `lobject.TValue`). */
interface StackSlot {
  setnilvalue(): void;
  setfrom(other: StackSlot): void;
}

/** The parts of a fengari call record (`lstate.CallInfo`) a return touches. */
interface CallRecord {
  funcOff: number;
  nresults: number;
  previous: CallRecord;
  next: CallRecord | null;
}

interface FengariState {
  top: number;
  stack: (StackSlot | undefined)[];
  ci: CallRecord;
  hookmask: number;
}

interface FengariLdo {
  adjust_top(L: FengariState, newTop: number): void;
  luaD_poscall(L: FengariState, ci: CallRecord, firstResult: number, resultCount: number): boolean;
}

interface FengariLua {
  LUA_MASKRET: number;
  LUA_MASKLINE: number;
  LUA_MULTRET: number;
}

type SlotClass = new (type: number, value: null) => StackSlot;

let installed = false;

/**
 * Makes fengari keep the cells of its Lua stack when the top comes down, and reuse them
 * when it goes up again, instead of deleting them and allocating new ones.
 *
 * fengari moves the top of a Lua state with `ldo.adjust_top`: going down, it deletes
 * every slot above the new top; going up, it fills each with a new nil cell. A call from
 * Lua does both (the call site lowers the top to its arguments, and raises it back to the
 * frame's size after the return), and a return (`ldo.luaD_poscall`) deletes every slot
 * above its results, so each `redis.call` of a script freed and allocated about a frame's
 * worth of cells. Here a cell above the top is set to nil and kept, as C Lua keeps its
 * stack slots; measured, that is about a tenth of an explorer's CPU (BENCHMARKS.md).
 *
 * Why that changes no result: a cell above the top is no live value. fengari never hands
 * one out by reference: tables and the API copy values in and out of cells, and an open
 * upvalue shares the cell of a local that is below the top while the local lives; when
 * its block or function ends, `luaF_close` gives the stack a new cell and leaves the old
 * one to the closure. Setting it to nil also keeps it from holding on to a dead object.
 * The tests run scripts that exercise closures, varargs, padding with nil and errors and
 * compare with what Lua 5.3 gives; the explorer's histories were byte-identical with and
 * without it (SHA-256 over 60 scenarios).
 *
 * The hot callers (the VM's call, return and loop instructions, `lua_settop`) reach both
 * functions through the `ldo` module object, so replacing those two exports is all it
 * takes. Calls inside ldo.js itself (a JS function's return, a Lua function's entry) keep
 * fengari's own versions, which are still correct beside these: a deleted slot is refilled
 * with a new cell, a kept one is reused. Installed once per process, for fengari 0.1.5
 * only (it throws on any other: its internals may differ). It is for the simulator's
 * process; the library does not load fengari.
 */
export function keepStackSlots(): void {
  if (installed) return;
  const { version } = require('fengari/package.json') as { version: string };
  if (version !== FENGARI_VERSION) {
    throw new Error(`fengari ${version} is installed; the simulator's stack patch is for fengari ${FENGARI_VERSION} (package.json pins it)`);
  }
  const ldo = require('fengari/src/ldo.js') as FengariLdo;
  const { LUA_MASKRET, LUA_MASKLINE, LUA_MULTRET } = require('fengari/src/lua.js') as FengariLua;
  const { TValue, luaO_nilobject } = require('fengari/src/lobject.js') as { TValue: SlotClass; luaO_nilobject: { type: number } };
  const NIL_TYPE = luaO_nilobject.type;
  const originalPoscall = ldo.luaD_poscall;
  ldo.adjust_top = function adjustTop(L: FengariState, newTop: number): void {
    const stack = L.stack;
    let top = L.top;
    while (top < newTop) {
      const slot = stack[top];
      // A slot fengari deleted itself (its own calls still do) gets a new cell.
      if (slot === undefined) stack[top] = new TValue(NIL_TYPE, null);
      else slot.setnilvalue();
      top += 1;
    }
    while (top > newTop) {
      top -= 1;
      (stack[top] as StackSlot).setnilvalue();
    }
    L.top = top;
  };
  // The return of a Lua function (the VM's return instruction calls it through `ldo`):
  // its results move down to where the function was, padded with nils to the number the
  // caller wants, and the cells above the new top are kept (nil) rather than deleted.
  // With a return or line hook set, fengari's own does it (it calls the hook first).
  ldo.luaD_poscall = function poscall(L: FengariState, ci: CallRecord, firstResult: number, resultCount: number): boolean {
    if (L.hookmask & (LUA_MASKRET | LUA_MASKLINE)) return originalPoscall(L, ci, firstResult, resultCount);
    const wanted = ci.nresults;
    const base = ci.funcOff;
    L.ci = ci.previous;
    L.ci.next = null;
    const stack = L.stack;
    const count = wanted === LUA_MULTRET ? resultCount : wanted;
    // Results are above `base`, so copying upwards from the lowest never overwrites one not yet moved.
    for (let index = 0; index < count; index += 1) {
      let slot = stack[base + index];
      if (slot === undefined) stack[base + index] = slot = new TValue(NIL_TYPE, null);
      if (index < resultCount) slot.setfrom(stack[firstResult + index] as StackSlot);
      else slot.setnilvalue();
    }
    const newTop = base + count;
    for (let index = Math.max(L.top, newTop); index >= newTop; index -= 1) stack[index]?.setnilvalue();
    L.top = newTop;
    return wanted !== LUA_MULTRET;
  };
  installed = true;
}

/** Whether `keepStackSlots` is in force in this process. */
export function stackSlotsKept(): boolean {
  return installed;
}
