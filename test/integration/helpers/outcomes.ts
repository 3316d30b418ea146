/** The error a promise rejects with; fails the test when it resolves instead. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    const value = await promise;
    throw new NotRejectedError(value);
  } catch (error) {
    if (error instanceof NotRejectedError) throw error;
    return error;
  }
}

class NotRejectedError extends Error {
  constructor(value: unknown) {
    super(`expected a rejection, but the promise resolved with ${describe(value)}`);
  }
}

function describe(value: unknown): string {
  if (value !== null && typeof value === 'object') return `a ${value.constructor.name}`;
  return String(value);
}
