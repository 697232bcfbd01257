// `npm run bench -- recovery [--seconds N] [--smoke]`: the paper's recovery figure. 4 KiB writes
// keep 32 deep through the NVMe shadow for N seconds (default 10) while the driver below it
// crashes every second (an injected fault: it throws out of a call with requests on the
// device). Reports throughput per 10 ms, the time each restart took, and whether every write
// completed exactly once and is on the media afterwards.
import { P3700_SERVICE } from '../drivers/hw/nvme/service.ts';
import { stubOfNvmeBDev } from '../runtime/idl/generated/nvme.ts';
import { Block, BlockRequest } from '../runtime/idl/layouts.ts';
import { RRef, RRefDeque } from '../runtime/lib/index.ts';
import os from 'node:os';
import { BenchMachine } from './lib/machine.ts';
import { median, round } from './lib/measure.ts';
import { writeChart, writeResult } from './lib/results.ts';
import { lineChart } from './lib/svg.ts';

const DEPTH = 32;
const BUCKET_MS = 10;
/** Blocks written round-robin: a block is rewritten only long after its last write completed. */
const BLOCKS = 16_384;

export default async function main(args: string[]): Promise<void> {
  const smoke = args.includes('--smoke');
  const at = args.indexOf('--seconds');
  const seconds = smoke ? 0.3 : at >= 0 ? Number(args[at + 1]) : 10;
  const crashEveryMs = smoke ? 100 : 1000;

  // Two spinning threads need two idle cores: the machine's load says whether they had them.
  const loadBefore = os.loadavg()[0] ?? 0;
  const m = new BenchMachine();
  const disk = m.engine.addNvme({ namespaces: [{ memory: BLOCKS * 4096, cacheBlocks: 4096 }], service: P3700_SERVICE });
  await m.engine.start();
  m.attach('disk0', 'nvme', disk);
  const { link, restartMs } = await m.driverLink('drivers/nvme', 'drivers/nvme-shadow', 'disk0', `ms:${crashEveryMs}`);
  const nvme = m.kernel.connect(link, stubOfNvmeBDev);

  // completions[i]: how many times write i came back (must end as exactly 1 for every i < issued).
  let completions = new Uint8Array(1 << 20);
  let issued = 0, failed = 0;
  const buckets: number[] = [];
  const crashesAt: number[] = [];
  let submit = RRefDeque.new(BlockRequest, 32);
  let collect = RRefDeque.new(BlockRequest, 32);
  // A Block to swap in while a request's own one is out being stamped (nested fields are
  // read-only in place).
  let swap = RRef.new(Block);
  const stamp = (req: RRef<BlockRequest>, i: number): void => {
    req.set('block', BigInt(i % BLOCKS));
    req.set('tag', i);
    const data = req.replace('data', swap)!;
    data.writeU32LE(0, i);
    swap = req.replace('data', data)!;
  };
  for (let i = 0; i < DEPTH; i++) {
    const req = RRef.new(BlockRequest, { block: 0n, tag: 0, status: 0, write: true, data: RRef.new(Block) });
    stamp(req, issued++);
    submit.pushBack(req);
  }
  const start = performance.now();
  const end = start + seconds * 1000;
  let inFlight = DEPTH;
  for (;;) {
    const now = performance.now();
    const stopping = now >= end;
    if (stopping && inFlight === 0) break;
    const r = nvme.submitAndPoll(submit, collect);
    if (!r.ok) throw new Error(`the shadow failed: ${r.error.message}`);
    submit = r.value.submit;
    collect = r.value.collect;
    if (restartMs.length > crashesAt.length) crashesAt.push(performance.now() - start);
    const bucket = Math.floor((performance.now() - start) / BUCKET_MS);
    for (let req = collect.popFront(); req !== undefined; req = collect.popFront()) {
      const tag = req.get('tag');
      if (tag >= completions.length) throw new Error(`a completion for write ${tag}, never issued`);
      completions[tag]!++;
      if (req.get('status') !== 0) failed++;
      buckets[bucket] = (buckets[bucket] ?? 0) + 1;
      inFlight--;
      if (stopping) {
        req.drop();
        continue;
      }
      if (issued === completions.length) {
        const grown = new Uint8Array(completions.length * 2);
        grown.set(completions);
        completions = grown;
      }
      stamp(req, issued++);
      submit.pushBack(req);
      inFlight++;
    }
  }
  const elapsed = performance.now() - start;
  if (!nvme.flush().ok) throw new Error('flush failed');

  let lost = 0, duplicated = 0;
  for (let i = 0; i < issued; i++) {
    if (completions[i] === 0) lost++;
    else if (completions[i]! > 1) duplicated++;
  }
  // Every block holds the last write issued to it.
  const media = new DataView(disk.media().buffer);
  let misplaced = 0;
  for (let b = 0; b < Math.min(BLOCKS, issued); b++) {
    const last = b + BLOCKS * Math.floor((issued - 1 - b) / BLOCKS);
    if (media.getUint32(b * 4096, true) !== last) misplaced++;
  }
  const timeline = Array.from({ length: Math.ceil(elapsed / BUCKET_MS) }, (_, i) => ({ t_ms: i * BUCKET_MS, mb_per_s: round(((buckets[i] ?? 0) * 4096) / (BUCKET_MS * 1000), 1) }));
  await m.shutdown();

  const restart = restartMs.map((ms) => round(ms, 3));
  const result = {
    load_average: { before: round(loadBefore, 2), after: round(os.loadavg()[0] ?? 0, 2) },
    seconds: round(elapsed / 1000, 2),
    crash_every_ms: crashEveryMs,
    model: 'p3700',
    writes: issued,
    crashes: restart.length,
    restart_ms: restart,
    restart_ms_median: restart.length > 0 ? round(median(restart), 3) : 0,
    restart_ms_max: restart.length > 0 ? Math.max(...restart) : 0,
    failed,
    lost,
    duplicated,
    misplaced_blocks: misplaced,
    mb_per_s: round((issued * 4096) / (elapsed * 1000), 1),
    targets: {
      restart_ms: { target: 5, met: restart.every((ms) => ms <= 5) },
      failed_or_lost: { target: 0, met: failed === 0 && lost === 0 && duplicated === 0 && misplaced === 0 },
    },
    timeline,
  };
  const file = await writeResult('recovery', result);
  const chart = await writeChart('recovery', lineChart({
    title: `4 KiB writes through the NVMe shadow, driver crashing every ${crashEveryMs} ms`,
    xUnit: 'time (ms)', yUnit: 'MB/s per 10 ms',
    series: [{ label: 'throughput', points: timeline.map((p) => ({ x: p.t_ms, y: p.mb_per_s })) }],
    markers: crashesAt,
  }));
  const { timeline: _t, ...summary } = result;
  console.log(JSON.stringify(summary, null, 1));
  console.log(`wrote ${file} and ${chart}`);
}
