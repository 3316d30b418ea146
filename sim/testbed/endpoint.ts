/** A TCP address a client connects to. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** Parses "host:port" (IPv6 as "[::1]:6379"); throws a RangeError naming the argument. */
export function parseEndpoint(address: string, argument = 'address'): Endpoint {
  const match = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})$/.exec(address.trim());
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (host === undefined || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new RangeError(`${argument} must be "host:port" with a port from 1 to 65535, got "${address}"`);
  }
  return { host, port };
}

/** "host:port", bracketing IPv6 hosts. */
export function formatEndpoint(endpoint: Endpoint): string {
  return endpoint.host.includes(':') ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`;
}
