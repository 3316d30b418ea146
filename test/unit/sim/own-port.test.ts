import { describe, expect, it } from 'vitest';
import { PORT_MAX, PORT_MIN, randomPort, startOnOwnPort, START_TRIES_MAX } from '../../../sim/testbed/own-port.js';
import { PortTakenError } from '../../../sim/testbed/server-start-errors.js';

const taken = (port: number): PortTakenError => new PortTakenError('test server', port, 'held by pid 1 (init)', 'bind: Address already in use');

describe('startOnOwnPort', () => {
  it('tries fresh ports while they are taken and returns the first start that works', async () => {
    const tried: number[] = [];
    const result = await startOnOwnPort('test server', async (port) => {
      tried.push(port);
      if (tried.length < 3) throw taken(port);
      return `started on ${port}`;
    });
    expect(tried).toHaveLength(3);
    expect(result).toBe(`started on ${tried[2]}`);
  });

  it('gives up after triesMax taken ports, with every try in the error', async () => {
    let calls = 0;
    const failing = startOnOwnPort('test server', async (port) => {
      calls += 1;
      throw taken(port);
    });
    await expect(failing).rejects.toThrow(new RegExp(`test server found a taken port on each of ${START_TRIES_MAX} tries: \\d+ held by pid 1 \\(init\\)`));
    await expect(failing).rejects.toSatisfy((error: AggregateError) => error.errors.length === START_TRIES_MAX);
    expect(calls).toBe(START_TRIES_MAX);
  });

  it('does not retry any other failure', async () => {
    let calls = 0;
    await expect(
      startOnOwnPort('test server', async () => {
        calls += 1;
        throw new Error('redis-server: bad config');
      }),
    ).rejects.toThrow('redis-server: bad config');
    expect(calls).toBe(1);
  });

  it('validates triesMax', async () => {
    await expect(startOnOwnPort('test server', async () => 1, 0)).rejects.toThrow(/triesMax must be an integer from 1 to 100, got 0/);
  });
});

describe('randomPort', () => {
  it('stays below the kernel ephemeral range, so ports the kernel hands out never collide with it', () => {
    const ports = Array.from({ length: 2_000 }, () => randomPort());
    expect(Math.min(...ports)).toBeGreaterThanOrEqual(PORT_MIN);
    expect(Math.max(...ports)).toBeLessThanOrEqual(PORT_MAX);
    expect(PORT_MAX).toBeLessThan(32_768);
    // Uniform over ~12 800 ports: 2 000 draws cover far more than half of them distinct.
    expect(new Set(ports).size).toBeGreaterThan(1_500);
  });
});
