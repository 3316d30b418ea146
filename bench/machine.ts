import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';

/** The machine a run was measured on, for BENCHMARKS.md and the JSON report. */
export interface MachineInfo {
  readonly nproc: number;
  readonly cpuModel: string;
  readonly node: string;
  /** From the first node's INFO server; undefined when it could not be read. */
  readonly redisVersion: string | undefined;
}

export function machineInfo(redisVersion: string | undefined): MachineInfo {
  return { nproc: availableParallelism(), cpuModel: cpuModel(), node: process.version, redisVersion };
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1]) return match[1].trim();
  } catch {
    // Not Linux: fall back to what Node reports.
  }
  return cpus()[0]?.model ?? 'unknown';
}

/** `redis_version` out of an INFO server reply. Pure. */
export function parseRedisVersion(info: string): string | undefined {
  return /^redis_version:(\S+)/m.exec(info)?.[1];
}
