// The UDP tunnel: frames cross a socket on 127.0.0.1, so a host stack (socat + TAP) can be the
// far end of the wire. Here a plain UDP socket plays that role.
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { buildUdpFrame } from '../../drivers/hw/wires/frames.ts';
import { ENGINE_KINDS } from './support/engines.ts';
import { nicRig, shutdownAll } from './support/fixtures.ts';

afterEach(shutdownAll);

describe.each(ENGINE_KINDS)('UDP tunnel (%s engine)', (kind) => {
  it('sends transmitted frames as datagrams and receives datagrams as frames', async () => {
    const peer = createSocket('udp4');
    await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
    const peerPort = peer.address().port;
    const fromNic: Buffer[] = [];
    peer.on('message', (m) => fromNic.push(m));
    try {
      const rig = await nicRig(kind, { link: { kind: 'udp', localPort: 0, remotePort: peerPort } });
      const nicPort = await rig.nic.boundPort();
      rig.drv.init({ ringSize: 64 });
      rig.drv.transmit(0, [buildUdpFrame({ length: 99 })]);
      await waitAsync(() => fromNic.length === 1);
      expect(fromNic[0]!.length).toBe(99);
      const frame = buildUdpFrame({ length: 77 });
      await new Promise<void>((r) => peer.send(frame, nicPort, '127.0.0.1', () => r()));
      const got: Uint8Array[] = [];
      await waitAsync(() => {
        got.push(...rig.drv.receive(0));
        return got.length === 1;
      }, rig.engine);
      expect(got[0]).toEqual(frame);
    } finally {
      peer.close();
    }
  });
});

/** Waits on the event loop (the datagrams need it), stepping an inline engine as it goes. */
async function waitAsync(cond: () => boolean, engine?: { poll(): number }): Promise<void> {
  for (let i = 0; i < 5000; i++) {
    engine?.poll();
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 1));
  }
  expect(cond()).toBe(true);
}
