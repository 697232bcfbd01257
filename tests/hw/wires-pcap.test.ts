// pcap capture and replay: files libpcap tools read, and replay into a port.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildUdpFrame, writeSeq } from '../../drivers/hw/wires/frames.ts';
import { PcapWriter, readPcap } from '../../drivers/hw/wires/pcap.ts';
import { ENGINE_KINDS, waitUntil } from './support/engines.ts';
import { nicRig, shutdownAll } from './support/fixtures.ts';

afterEach(shutdownAll);

const tshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;

function tmp(name: string): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'pcap-')), name);
}

describe('pcap files', () => {
  it('writes the classic libpcap format and reads it back', () => {
    const file = tmp('a.pcap');
    let t = 1_700_000_000_123_456_000;
    const w = new PcapWriter(file, () => (t += 1000));
    const frames = [buildUdpFrame({ length: 60 }), buildUdpFrame({ length: 1514 })];
    for (const f of frames) w.transmit(f, 0, f.length);
    w.close();
    const bytes = readFileSync(file);
    expect(bytes.readUInt32LE(0)).toBe(0xa1b2c3d4);
    expect(bytes.readUInt16LE(4)).toBe(2);
    expect(bytes.readUInt16LE(6)).toBe(4);
    expect(bytes.readUInt32LE(20)).toBe(1);
    expect(bytes.length).toBe(24 + 16 * 2 + 60 + 1514);
    const records = readPcap(file);
    expect(records.map((r) => r.data)).toEqual(frames);
    expect(records[0]!.timestampNs).toBe(1_700_000_000_123_457_000);
  });

  it('survives more data than its buffer holds', () => {
    const file = tmp('big.pcap');
    const w = new PcapWriter(file);
    const f = buildUdpFrame({ length: 1514 });
    for (let i = 0; i < 200; i++) {
      writeSeq(f, 0, i);
      w.transmit(f, 0, f.length);
    }
    w.close();
    expect(readPcap(file)).toHaveLength(200);
  });

  it.skipIf(!tshark)('produces captures tshark dissects without errors', () => {
    const file = tmp('t.pcap');
    const w = new PcapWriter(file);
    for (let i = 0; i < 5; i++) {
      const f = buildUdpFrame({ length: 60 + i * 100 });
      writeSeq(f, 0, i);
      w.transmit(f, 0, f.length);
    }
    w.close();
    const out = execFileSync('tshark', ['-r', file, '-V'], { encoding: 'utf8' });
    expect(out).toContain('User Datagram Protocol');
    expect(out).not.toMatch(/Malformed|Expert Info \(Error/);
  });
  if (!tshark) it.skip('tshark is not installed: dissection check skipped', () => {});
});

describe.each(ENGINE_KINDS)('pcap on the wire (%s engine)', (kind) => {
  it('captures both directions and replays a capture into the receiver', async () => {
    const source = tmp('in.pcap');
    const w = new PcapWriter(source);
    for (let i = 0; i < 10; i++) {
      const f = buildUdpFrame({ length: 64 + i });
      w.transmit(f, 0, f.length);
    }
    w.close();
    const capture = tmp('cap.pcap');
    const rig = await nicRig(kind, { link: { kind: 'pcap', replay: source }, capture });
    rig.drv.init({ ringSize: 64 });
    const got: Uint8Array[] = [];
    expect(waitUntil(rig.engine, () => {
      got.push(...rig.drv.receive(0));
      return got.length === 10;
    })).toBe(true);
    expect(got.map((f) => f.length)).toEqual([64, 65, 66, 67, 68, 69, 70, 71, 72, 73]);
    rig.drv.transmit(0, [buildUdpFrame({ length: 200 })]);
    expect(waitUntil(rig.engine, () => rig.drv.cleanTx(0) === 1)).toBe(true);
    await shutdownAll(); // flushes the capture
    const records = readPcap(capture);
    expect(records.map((r) => r.data.length)).toEqual([64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 200]);
  });
});
