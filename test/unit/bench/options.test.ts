import { describe, expect, it } from 'vitest';
import { BenchOptionError } from '../../../bench/option-error.js';
import { parseBenchOptions, parseFault } from '../../../bench/options.js';

describe('parseBenchOptions', () => {
  it('fills documented defaults per workload', () => {
    const latency = parseBenchOptions('latency', {});
    expect(latency).toMatchObject({ scenario: 'latency', workload: 'latency', iterations: 5000, rounds: 4, ttlMs: 1000, progress: true, json: false, vs: [], fault: undefined });
    expect(latency.testbed).toEqual({ kind: 'embedded', nodeCount: 5 });
    const contention = parseBenchOptions('contention', { vs: 'redlock' });
    expect(contention).toMatchObject({ workers: 8, holdMs: 1, thinkMs: 5, durationMs: 10_000, vs: ['redlock'] });
    expect(parseBenchOptions('throughput', {}).concurrency).toBe(64);
  });

  it('--quick shortens every bound', () => {
    const quick = parseBenchOptions('latency', { quick: true });
    const full = parseBenchOptions('latency', {});
    expect(quick.iterations).toBeLessThan(full.iterations);
    expect(quick.durationMs).toBeLessThan(full.durationMs);
    // Enough warm-up and rounds to agree with a long run: only the measured part is shorter.
    expect(quick.warmupMs).toBe(2000);
    expect(quick.rounds).toBe(full.rounds);
    expect(parseBenchOptions('contention', { quick: true }).durationMs).toBeLessThan(parseBenchOptions('contention', {}).durationMs);
  });

  it('converts seconds to ms and keeps explicit values', () => {
    const options = parseBenchOptions('throughput', { duration: '2.5', warmup: '0', concurrency: '16', retryDelay: '10', retryJitter: '5', retryCount: '-1', hgrm: 'out.hgrm', json: true, progress: false, unit: 'ms' });
    expect(options).toMatchObject({ durationMs: 2500, warmupMs: 0, concurrency: 16, hgrmPath: 'out.hgrm', json: true, progress: false, unit: 'ms' });
    expect(options.retry).toEqual({ retryCount: -1, retryDelay: 10, retryJitter: 5 });
    expect(parseBenchOptions('latency', {}).retry).toEqual({});
    expect(parseBenchOptions('latency', {}).notify).toBeUndefined();
    expect(parseBenchOptions('latency', { notify: 'on' }).notify).toBe(true);
    expect(parseBenchOptions('latency', { notify: 'off' }).notify).toBe(false);
  });

  it.each([
    ['--iterations', { iterations: '0' }, /--iterations must be an integer from 1 to 10000000, got "0"/],
    ['--iterations', { iterations: '1.5' }, /--iterations must be an integer from 1 to 10000000, got "1.5"/],
    ['--iterations', { iterations: 'many' }, /--iterations must be an integer/],
    ['--duration', { duration: '0' }, /--duration must be a number from 0.1 to 3600, got "0"/],
    ['--duration', { duration: '' }, /--duration must be a number/],
    ['--rounds', { rounds: '101' }, /--rounds must be an integer from 1 to 100/],
    ['--concurrency', { concurrency: '2000' }, /--concurrency must be an integer from 1 to 1024/],
    ['--workers', { workers: '1' }, /--workers must be an integer from 2 to 256/],
    ['--hold-ms', { holdMs: '-1' }, /--hold-ms must be a number from 0 to 10000/],
    ['--think-ms', { thinkMs: 'NaN' }, /--think-ms must be a number from 0 to 10000/],
    ['--ttl-ms', { ttlMs: '5' }, /--ttl-ms must be an integer from 10 to 600000/],
    ['--retry-count', { retryCount: '-2' }, /--retry-count must be an integer from -1 to 1000000/],
    ['--retry-delay', { retryDelay: 'x' }, /--retry-delay must be a number from 0 to 60000/],
    ['--nodes', { nodes: '16' }, /--nodes must be an integer from 1 to 15, got "16"/],
    ['--vs', { vs: 'redsync' }, /--vs must be one of redlock, raw, raw-pipelined, got "redsync"/],
    ['--vs', { vs: 'redlock,' }, /--vs must be one of redlock, raw, raw-pipelined, got ""/],
    ['--notify', { notify: 'yes' }, /--notify must be one of on, off, got "yes"/],
    ['--unit', { unit: 's' }, /--unit must be one of auto, us, ms/],
    ['--testbed', { testbed: 'docker' }, /--testbed must be one of embedded, compose/],
    ['--redis', { redis: '127.0.0.1' }, /--redis must be a comma-separated list of host:port \(port from 1 to 65535\), got "127.0.0.1"/],
    ['--redis', { redis: '127.0.0.1:70000' }, /port from 1 to 65535/],
    ['--hgrm', { hgrm: ' ' }, /--hgrm must be a file path/],
  ])('rejects a bad %s, naming the option and the range', (option, raw, message) => {
    let caught: unknown;
    try {
      parseBenchOptions('latency', raw);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BenchOptionError);
    expect(caught).toBeInstanceOf(RangeError);
    expect((caught as BenchOptionError).option).toBe(option);
    expect((caught as Error).message).toMatch(message);
  });

  it('--vs takes a comma-separated list, without duplicates, and no raw floor under contention', () => {
    expect(parseBenchOptions('latency', { vs: 'redlock, raw,raw-pipelined,raw' }).vs).toEqual(['redlock', 'raw', 'raw-pipelined']);
    expect(() => parseBenchOptions('contention', { vs: 'redlock,raw' })).toThrow(/--vs raw and raw-pipelined apply only to latency and throughput/);
    expect(() => parseBenchOptions('faults', { vs: 'raw', fault: 'down:1', under: 'contention' })).toThrow(/--vs raw/);
  });

  it('--self and --fencing add redquorum variants; --fencing not under contention', () => {
    expect(parseBenchOptions('latency', {})).toMatchObject({ self: false, fencing: false });
    expect(parseBenchOptions('latency', { self: true, fencing: true })).toMatchObject({ self: true, fencing: true });
    expect(parseBenchOptions('contention', { self: true }).self).toBe(true);
    expect(() => parseBenchOptions('contention', { fencing: true })).toThrow(/--fencing applies to latency and throughput/);
  });

  it('--markdown is one output, not with --json', () => {
    expect(parseBenchOptions('latency', { markdown: true }).markdown).toBe(true);
    expect(() => parseBenchOptions('latency', { markdown: true, json: true })).toThrow(/--markdown cannot be combined with --json/);
  });

  it('rejects an unknown scenario', () => {
    expect(() => parseBenchOptions('speed', {})).toThrow(/<scenario> must be one of latency, throughput, contention, faults, got "speed"/);
  });

  it('takes explicit redis addresses and the compose testbed, but not both', () => {
    expect(parseBenchOptions('latency', { redis: '127.0.0.1:7001, localhost:7002,[::1]:7003' }).testbed).toEqual({
      kind: 'explicit',
      addresses: ['127.0.0.1:7001', 'localhost:7002', '[::1]:7003'],
    });
    expect(parseBenchOptions('latency', { testbed: 'compose' }).testbed).toEqual({ kind: 'compose' });
    expect(() => parseBenchOptions('latency', { testbed: 'compose', redis: '127.0.0.1:1' })).toThrow(/--redis cannot be combined with --testbed compose/);
    expect(() => parseBenchOptions('latency', { testbed: 'compose', nodes: '3' })).toThrow(/--nodes applies only to the embedded testbed/);
    expect(() => parseBenchOptions('latency', { toxiproxy: 'http://127.0.0.1:8474' })).toThrow(/--toxiproxy applies only with --redis/);
  });

  it('requires a fault for the faults scenario, and only there', () => {
    const faults = parseBenchOptions('faults', { fault: 'latency:100:2', under: 'contention' });
    expect(faults).toMatchObject({ scenario: 'faults', workload: 'contention', fault: { kind: 'latency', latencyMs: 100, nodeCount: 2 } });
    expect(parseBenchOptions('faults', { fault: 'down:1' }).workload).toBe('latency');
    expect(() => parseBenchOptions('faults', {})).toThrow(/--fault is required by the faults scenario/);
    expect(() => parseBenchOptions('latency', { fault: 'down:1' })).toThrow(/--fault applies only to the faults scenario/);
    expect(() => parseBenchOptions('latency', { under: 'latency' })).toThrow(/--under applies only to the faults scenario/);
    expect(() => parseBenchOptions('faults', { fault: 'down:1', under: 'faults' })).toThrow(/--under must be one of latency, throughput, contention/);
    expect(() => parseBenchOptions('faults', { fault: 'down:4', nodes: '3' })).toThrow(/--fault names 4 nodes, but the testbed has 3 \(k must be from 1 to 3\)/);
    expect(() => parseBenchOptions('faults', { fault: 'down:1', redis: '127.0.0.1:1' })).toThrow(/--toxiproxy is required with --redis/);
    expect(parseBenchOptions('faults', { fault: 'down:1', redis: '127.0.0.1:1', toxiproxy: 'http://127.0.0.1:8474/' }).testbed).toEqual({
      kind: 'explicit',
      addresses: ['127.0.0.1:1'],
      toxiproxyUrl: 'http://127.0.0.1:8474',
    });
  });
});

describe('parseFault', () => {
  it('reads latency and down specs', () => {
    expect(parseFault('latency:100:2')).toEqual({ kind: 'latency', latencyMs: 100, nodeCount: 2 });
    expect(parseFault('down:1')).toEqual({ kind: 'down', nodeCount: 1 });
  });

  it.each([
    ['latency:100', /--fault must be latency:<ms>:<k> or down:<k>, got "latency:100"/],
    ['latency:0:2', /--fault latency ms must be an integer from 1 to 60000, got "0"/],
    ['latency:100:0', /--fault node count k must be an integer from 1 to 15, got "0"/],
    ['down:x', /--fault node count k must be an integer from 1 to 15, got "x"/],
    ['crash:1', /--fault must be latency:<ms>:<k> or down:<k>/],
  ])('rejects %s', (text, message) => {
    expect(() => parseFault(text)).toThrow(message);
  });
});
