import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { COMPOSE_GROUP_COUNT, COMPOSE_HOST, COMPOSE_TOXIPROXY_API_PORT } from '../../sim/testbed/compose-layout.js';
import { connectComposeTestbed } from '../../sim/testbed/testbed.js';

// No Docker engine here: compose.yaml itself is checked statically (test/unit/compose.test.ts).
// What can be checked is how connectComposeTestbed fails without the services.

function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('compose testbed', () => {
  it('rejects more groups than compose.yaml publishes', async () => {
    await expect(connectComposeTestbed({ groups: COMPOSE_GROUP_COUNT + 1 })).rejects.toThrow(new RegExp(`groups must be an integer from 1 to ${COMPOSE_GROUP_COUNT}`));
  });

  it('says to start the services when Toxiproxy is not up', async (context) => {
    if (await listening(COMPOSE_HOST, COMPOSE_TOXIPROXY_API_PORT)) context.skip(); // someone runs one here
    await expect(connectComposeTestbed()).rejects.toThrow(/docker compose up -d --wait/);
  });
});
