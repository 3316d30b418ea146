import { SEED_MAX } from '../random.js';
import { LIMITS, type Fault, type Scenario } from './scenario.js';

/** Thrown for a `--replay` text that is not a scenario this version can run. */
export class ScenarioFormatError extends Error {
  override readonly name = 'ScenarioFormatError';
}

const PREFIX = 'v1.';

/** The scenario as one shell-safe word: "v1." + base64url(JSON). */
export function encodeScenario(scenario: Scenario): string {
  return PREFIX + Buffer.from(JSON.stringify(scenario)).toString('base64url');
}

/** The inverse of encodeScenario, with every field checked against its bounds. */
export function decodeScenario(text: string): Scenario {
  if (!text.startsWith(PREFIX)) throw new ScenarioFormatError(`an encoded scenario starts with "${PREFIX}", got ${JSON.stringify(text.slice(0, 8))}`);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text.slice(PREFIX.length), 'base64url').toString('utf8'));
  } catch (error) {
    throw new ScenarioFormatError('the encoded scenario is not base64url JSON', { cause: error });
  }
  return checkScenario(value);
}

type Fields = Record<string, unknown>;

function checkScenario(value: unknown): Scenario {
  const s = object(value, 'scenario');
  int(s, 'seed', 0, SEED_MAX);
  int(s, 'nodes', 1, LIMITS.nodesMax);
  const clients = array(s, 'clients', 1, LIMITS.clientsMax);
  clients.forEach((v, i) => {
    if (v !== 'correct' && v !== 'no-validity-check' && v !== 'plain-del-release') throw new ScenarioFormatError(`clients[${i}] must be a client variant, got ${JSON.stringify(v)}`);
  });
  if (s['clientIds'] !== undefined) {
    const ids = array(s, 'clientIds', clients.length, clients.length);
    ids.forEach((id, i) => {
      if (!Number.isInteger(id) || (id as number) < 0 || (id as number) > LIMITS.clientsMax * 1000) throw new ScenarioFormatError(`clientIds[${i}] must be an integer from 0 to ${LIMITS.clientsMax * 1000}`);
    });
  }
  int(s, 'resources', 1, LIMITS.resourcesMax);
  int(s, 'opsPerClient', 1, LIMITS.opsPerClientMax);
  int(s, 'ttlMs', LIMITS.ttlMsMin, LIMITS.ttlMsMax);
  num(s, 'driftFactor', 0, 0.99);
  int(s, 'retryCount', 0, 100);
  int(s, 'retryDelayMs', 0, LIMITS.faultMsMax);
  if (typeof s['releaseNotifications'] !== 'boolean') throw new ScenarioFormatError('releaseNotifications must be a boolean');
  num(s, 'extendChance', 0, 1);
  range(s, 'holdMs');
  range(s, 'thinkMs');
  const latency = object(s['latency'], 'latency');
  num(latency, 'minMs', 0, LIMITS.faultMsMax, 'latency.');
  num(latency, 'tailMeanMs', 0, LIMITS.faultMsMax, 'latency.');
  num(latency, 'spikeChance', 0, 1, 'latency.');
  num(latency, 'spikeMs', 0, LIMITS.faultMsMax, 'latency.');
  num(s, 'lossChance', 0, 1);
  for (const name of ['nodeClocks', 'clientClocks'] as const) {
    array(s, name, 0, LIMITS.clientsMax).forEach((clock, i) => {
      const c = object(clock, `${name}[${i}]`);
      num(c, 'rate', 0.1, 10, `${name}[${i}].`);
      num(c, 'periodicMs', 0, LIMITS.faultMsMax, `${name}[${i}].`);
      num(c, 'periodMs', 1, LIMITS.faultMsMax, `${name}[${i}].`);
    });
  }
  if (s['scriptMode'] !== undefined && s['scriptMode'] !== 'evalsha-fallback' && s['scriptMode'] !== 'eval') {
    throw new ScenarioFormatError(`scriptMode must be evalsha-fallback or eval, got ${JSON.stringify(s['scriptMode'])}`);
  }
  const nodes = s['nodes'] as number;
  const clientCount = clients.length;
  array(s, 'faults', 0, LIMITS.faultsMax).forEach((fault, i) => checkFault(fault, i, nodes, clientCount));
  return value as Scenario;
}

function checkFault(value: unknown, i: number, nodes: number, clients: number): void {
  const f = object(value, `faults[${i}]`);
  const p = `faults[${i}].`;
  num(f, 'atMs', 0, LIMITS.faultMsMax, p);
  const node = (): void => void int(f, 'node', 0, nodes - 1, p);
  const client = (): void => void int(f, 'client', 0, clients - 1, p);
  const duration = (name: string): void => void num(f, name, 0, LIMITS.faultMsMax, p);
  const nodeList = (): void =>
    array(f, 'nodes', 1, nodes, p).forEach((n, j) => {
      if (!Number.isInteger(n) || (n as number) < 0 || (n as number) >= nodes) throw new ScenarioFormatError(`${p}nodes[${j}] must be a node from 0 to ${nodes - 1}`);
    });
  const kind = f['kind'] as Fault['kind'];
  switch (kind) {
    case 'partition':
      duration('durationMs');
      if (f['client'] !== 'all') client();
      nodeList();
      if (!['both', 'request', 'reply'].includes(f['direction'] as string)) throw new ScenarioFormatError(`${p}direction must be both, request or reply`);
      return;
    case 'latency':
      duration('durationMs');
      duration('extraMs');
      nodeList();
      return;
    case 'reset':
      client();
      node();
      return;
    case 'crash':
      node();
      duration('downMs');
      if (f['persistence'] !== 'none' && f['persistence'] !== 'aof-always') throw new ScenarioFormatError(`${p}persistence must be none or aof-always`);
      return;
    case 'node-pause':
      node();
      duration('durationMs');
      return;
    case 'clock-jump':
      node();
      num(f, 'jumpMs', -LIMITS.faultMsMax, LIMITS.faultMsMax, p);
      return;
    case 'client-pause':
      client();
      duration('durationMs');
      return;
    case 'client-clock-jump':
      client();
      num(f, 'jumpMs', -LIMITS.faultMsMax, LIMITS.faultMsMax, p);
      return;
    default:
      throw new ScenarioFormatError(`${p}kind must be a fault kind, got ${JSON.stringify(kind)}`);
  }
}

function object(value: unknown, name: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ScenarioFormatError(`${name} must be an object`);
  return value as Fields;
}

function array(fields: Fields, name: string, min: number, max: number, prefix = ''): unknown[] {
  const value = fields[name];
  if (!Array.isArray(value) || value.length < min || value.length > max) throw new ScenarioFormatError(`${prefix}${name} must be an array of ${min} to ${max} items`);
  return value;
}

function num(fields: Fields, name: string, min: number, max: number, prefix = ''): number {
  const value = fields[name];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new ScenarioFormatError(`${prefix}${name} must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function int(fields: Fields, name: string, min: number, max: number, prefix = ''): number {
  const value = num(fields, name, min, max, prefix);
  if (!Number.isInteger(value)) throw new ScenarioFormatError(`${prefix}${name} must be an integer from ${min} to ${max}, got ${value}`);
  return value;
}

function range(fields: Fields, name: string): void {
  const value = array(fields, name, 2, 2);
  const [low, high] = value as [unknown, unknown];
  if (!Number.isInteger(low) || !Number.isInteger(high) || (low as number) < 0 || (high as number) < (low as number) || (high as number) > LIMITS.faultMsMax) {
    throw new ScenarioFormatError(`${name} must be [low, high] integers with 0 <= low <= high <= ${LIMITS.faultMsMax}`);
  }
}
