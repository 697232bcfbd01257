// The file system over the real stack: fs -> bdev -> NVMe driver -> modeled controller (inline
// engine), and the same with the driver behind its shadow while it keeps crashing.
import { afterEach, describe, expect, it } from 'vitest';
import { stubOfBDev } from '../../../runtime/idl/generated/bdev.ts';
import { stubOfFileSystem } from '../../../runtime/idl/generated/fs.ts';
import { fsck } from '../../../rv6/host/fsck.ts';
import { nvmeMachine } from '../../drivers/blocks.ts';
import { driverArtifact, shutdownMachines } from '../../drivers/support.ts';
import { ROOT_CWD, domains, fixtureImage, fixtureSums, pattern, readFile, sha256, unwrap, writeFile, writeImage } from './support.ts';

afterEach(shutdownMachines);

async function stack(options: { faults?: string; shadow?: boolean } = {}) {
  const m = await nvmeMachine('inline', { memory: 4 << 20 }, options);
  const b = m.kernel.load(await driverArtifact('bdev'), { args: [m.nvmeLink] });
  const bdev = m.kernel.connect(b.exports[0]!, stubOfBDev);
  writeImage(bdev, fixtureImage());
  const { fs: fsArtifact } = await domains();
  const mount = () => {
    const d = m.kernel.load(fsArtifact, { args: [b.exports[0]!] });
    return { fs: m.kernel.connect(d.exports[0]!, stubOfFileSystem), id: d.id };
  };
  return { ...m, bdev, mount };
}

describe('the fs over bdev over the NVMe driver', () => {
  it('mounts the xv6-mkfs fixture, reads every file, and leaves durable, clean media', async () => {
    const { mount, ctrl, kernel } = await stack();
    const { fs, id } = mount();
    for (const [name, sum] of fixtureSums()) expect(sha256(await readFile(fs, `/${name}`)), name).toBe(sum);
    expect(unwrap(await fs.mkdir(ROOT_CWD, '/new'))).toBe(0);
    await writeFile(fs, '/new/file', pattern(50_000, 6));
    // Only flushed writes are on the media: each call's effect is there when it returns. The
    // last commit's cleared header may still be in the device's cache (it is flushed before the
    // next commit): the media may hold that committed log, which recovery would install again.
    const media = ctrl.media().slice(0, 2000 * 1024);
    const report = fsck(media);
    expect(report.status).toBe('clean');
    expect(report.problems.filter((p) => p.kind !== 'log-pending')).toEqual([]);
    kernel.crash(id, 'remount');
    const again = mount().fs;
    expect(Buffer.compare(await readFile(again, '/new/file'), pattern(50_000, 6))).toBe(0);
  });

  it('keeps working through the driver shadow while the NVMe driver crashes every 13 requests', async () => {
    const { mount, restarts } = await stack({ shadow: true, faults: 'requests:13' });
    const { fs } = mount();
    await writeFile(fs, '/crashes', pattern(100_000, 7));
    expect(Buffer.compare(await readFile(fs, '/crashes'), pattern(100_000, 7))).toBe(0);
    expect(sha256(await readFile(fs, '/max.txt'))).toBe(fixtureSums().get('max.txt'));
    expect(restarts!.restarts).toBeGreaterThan(5);
  });
});
