import { describe, expect, it } from 'vitest';
import type { NodeClient, SubscriberEvents } from '../../../src/clients/node-client.js';
import { SharedSubscription } from '../../../src/release-subscriptions.js';

/** A driver that records what its subscriber is asked to do. */
function recordingDriver() {
  const log: string[] = [];
  let events: SubscriberEvents | undefined;
  const driver = {
    address: 'fake:1',
    cluster: false,
    ready: true,
    runScript: () => undefined,
    subscriber: (given: SubscriberEvents) => {
      events = given;
      log.push('open');
      return {
        subscribe: async (channel: string) => void log.push(`sub ${channel}`),
        unsubscribe: async (channel: string) => void log.push(`unsub ${channel}`),
        close: () => void log.push('close'),
      };
    },
  } satisfies NodeClient;
  return { driver, log, deliver: (channel: string) => events?.message(channel) };
}

describe('SharedSubscription', () => {
  it('opens one subscriber for many watchers, subscribes each channel once, and closes when nothing is wanted', () => {
    const { driver, log, deliver } = recordingDriver();
    const shared = new SharedSubscription(driver);
    const heard: string[] = [];
    const listener = { message: (channel: string) => heard.push(channel), error: () => undefined };
    shared.listen(listener);
    shared.watch('a');
    shared.watch('a');
    shared.watch('b');
    deliver('a');
    shared.unwatch('a');
    shared.unwatch('b');
    shared.unwatch('a');
    shared.watch('c');
    expect(log).toEqual(['open', 'sub a', 'sub b', 'unsub b', 'close', 'open', 'sub c']);
    expect(heard).toEqual(['a']);
  });
});
