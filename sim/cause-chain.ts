// A chain deeper than this is cut: a cause that loops (a.cause = a) must not hang the CLI.
const CAUSE_DEPTH_MAX = 8;

/**
 * An error and its causes in one plain line, outermost first, for the CLI: "the lab
 * could not start its testbed: toxiproxy-server was not found ...; run npm run setup".
 * Names are kept only where they say something (not plain "Error"); a cause whose
 * message the outer one already contains is not repeated; newlines become spaces.
 */
export function describeCauseChain(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < CAUSE_DEPTH_MAX && current !== undefined && current !== null; depth += 1) {
    const text = describeOne(current);
    if (text !== '' && !parts.some((part) => part.includes(text))) parts.push(text);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(': ').replace(/\s*\n\s*/g, ' ');
}

function describeOne(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const named = error.name !== '' && error.name !== 'Error' ? `${error.name}: ` : '';
  const inner = error instanceof AggregateError && error.errors.length > 0 ? ` (${error.errors.map(describeOne).join('; ')})` : '';
  return `${named}${error.message}${inner}`;
}
