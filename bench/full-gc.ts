import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let cached: (() => void) | undefined;

/**
 * A full, blocking garbage collection. Node's own `gc` when it runs with --expose-gc;
 * otherwise V8's flag is set at runtime and a fresh context hands out its `gc`, so the
 * bench needs no command-line flag. The bench calls it around the rounds only (heap
 * figures after a full GC): called before every run as well, it raised every library's
 * client CPU per cycle by 60-80% (V8 shrinks the young generation after a full GC, and
 * the run then collects more often), which measures the collector, not the library.
 */
export function fullGc(): void {
  if (!cached) {
    const own = (globalThis as { gc?: () => void }).gc;
    if (own) {
      cached = own;
    } else {
      setFlagsFromString('--expose-gc');
      cached = runInNewContext('gc') as () => void;
    }
  }
  cached();
}
