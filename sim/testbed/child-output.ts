import type { ChildProcess } from 'node:child_process';

/** A start error quotes at most this many characters of the child's output. */
export const OUTPUT_TAIL_CHARS_MAX = 4_000;

/** The last characters a child wrote on stdout and stderr, interleaved as they came. */
export interface OutputTail {
  /** The tail so far. */
  text(): string;
}

/**
 * Collects both streams of `child`, bounded: redis-server reports a bind error on stdout,
 * toxiproxy-server logs its errors as JSON on stdout too, and other failures go to stderr.
 * The child must have been spawned with stdout and stderr piped.
 */
export function captureOutput(child: ChildProcess, charsMax = OUTPUT_TAIL_CHARS_MAX): OutputTail {
  let tail = '';
  const append = (chunk: Buffer): void => {
    tail = (tail + chunk.toString()).slice(-charsMax);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return { text: () => tail };
}
