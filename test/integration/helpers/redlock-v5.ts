// node-redlock v5's package.json "exports" has no "types" condition, so NodeNext
// resolution finds no declarations for 'redlock' (its issues #173/#290/#307). The
// runtime import is the real package; the types come from its own index.d.ts.
// @ts-expect-error TS7016: no declaration file reachable through the exports map
import * as untyped from 'redlock';
import type * as Typed from '../../../node_modules/redlock/dist/index.js';

const v5 = untyped as unknown as typeof Typed;

/** node-redlock v5's default export, typed. */
export const V5Redlock = v5.default;
export type V5Redlock = Typed.default;
export const V5ExecutionError = v5.ExecutionError;
export type V5ExecutionError = Typed.ExecutionError;
export const V5ResourceLockedError = v5.ResourceLockedError;
export type V5ResourceLockedError = Typed.ResourceLockedError;
export type V5Lock = Typed.Lock;
export type V5ExecutionStats = Typed.ExecutionStats;
