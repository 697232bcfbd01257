// The shell through scripts (as `npm start -- --exec` runs them): the programs, pipelines,
// redirection, ';', '&' with wait, cd and exit statuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boot } from './support.ts';
import type { Booted } from './support.ts';

let m: Booted;
beforeAll(async () => { m = await boot(); }, 60_000);
afterAll(async () => { await m?.shutdown(); });

describe('the rv6 shell', () => {
  it('runs echo and answers the status of the last command', async () => {
    expect(await m.exec('echo hello world')).toEqual({ out: 'hello world\n', status: 0 });
    expect(await m.exec("echo 'a  b' \"c $?\"")).toEqual({ out: 'a  b c 0\n', status: 0 });
    expect((await m.exec('nosuchprogram')).status).toBe(127);
    expect((await m.exec('exit 3')).status).toBe(3);
    expect(await m.exec('cat /nosuch ; echo $?')).toEqual({ out: 'cat: cannot open /nosuch: ENOENT\n1\n', status: 0 });
    expect(await m.exec("echo '$?' $?")).toEqual({ out: '$? 0\n', status: 0 });
  });

  it('writes, appends and reads files with > >> and <', async () => {
    expect(await m.exec('echo one > /t1 ; echo two >> /t1 ; cat /t1')).toEqual({ out: 'one\ntwo\n', status: 0 });
    expect(await m.exec('wc < /t1')).toEqual({ out: '2 2 8 \n', status: 0 });
    expect(await m.exec('echo three > /t1 ; cat < /t1')).toEqual({ out: 'three\n', status: 0 });
  });

  it('runs pipelines', async () => {
    expect(await m.exec('echo hello | cat | cat | wc')).toEqual({ out: '1 1 6 \n', status: 0 });
    expect(await m.exec('cat /README | grep signed')).toEqual({ out: 'Every program in / is a signed domain the core loads from this file system.\n', status: 0 });
    expect(await m.exec('cat /README | grep ^Try | wc')).toEqual({ out: '1 21 70 \n', status: 0 });
    // A pipe larger than the pipe buffer (4 KiB): the writer blocks until the reader drains it.
    const r = await m.exec('cat /sh | wc');
    const size = Number((await m.exec('ls /sh')).out.trim().split(/\s+/)[3]);
    expect(r.out.trim().split(' ')[2]).toBe(String(size));
    expect(size).toBeGreaterThan(50_000);
  });

  it('lists, makes, links and removes with ls, mkdir, ln and rm', async () => {
    const ls = await m.exec('ls /');
    for (const name of ['init', 'sh', 'echo', 'cat', 'ls', 'mkdir', 'rm', 'ln', 'wc', 'grep', 'kill', 'sleep', 'uptime', 'README']) {
      expect(ls.out).toMatch(new RegExp(`^${name} +2 \\d+ \\d+$`, 'm'));
    }
    expect(ls.out).toMatch(/^\. +1 1 \d+$/m);
    expect(await m.exec('mkdir /d ; echo x > /d/f ; ln /d/f /d/g ; ls /d | grep "^f " | wc')).toEqual({ out: '1 4 22 \n', status: 0 });
    expect(await m.exec('cat /d/g ; rm /d/f ; cat /d/g')).toEqual({ out: 'x\nx\n', status: 0 });
    expect(await m.exec('ls /d | grep "^g " | wc')).toEqual({ out: '1 4 22 \n', status: 0 });
    expect((await m.exec('rm /d')).status).toBe(1);
    expect(await m.exec('rm /d/g ; rm /d ; ls /d')).toEqual({ out: 'ls: cannot open /d\n', status: 1 });
    expect((await m.exec('mkdir /README')).status).toBe(1);
  });

  it('changes directory with cd, and finds programs in /', async () => {
    expect(await m.exec('mkdir /w ; cd /w ; echo hi > here ; ls here ; cat /w/here')).toEqual({ out: expect.stringMatching(/^here +2 \d+ 3\nhi\n$/) as unknown as string, status: 0 });
    expect((await m.exec('cd /nosuch')).status).toBe(1);
  });

  it('runs jobs in the background with & and waits for them', async () => {
    const r = await m.exec('sleep 5 & echo first ; wait ; echo after');
    expect(r).toEqual({ out: 'first\nafter\n', status: 0 });
    expect((await m.exec('echo bg > /bg & wait ; cat /bg')).out).toBe('bg\n');
  });

  it('counts time with uptime and sleep', async () => {
    const a = Number((await m.exec('uptime')).out);
    await m.exec('sleep 3');
    const b = Number((await m.exec('uptime')).out);
    expect(b - a).toBeGreaterThanOrEqual(3);
  });

  it('greps with xv6 regular expressions', async () => {
    await m.exec('echo apple > /g ; echo banana >> /g ; echo cherry >> /g');
    expect((await m.exec('grep an /g')).out).toBe('banana\n');
    expect((await m.exec('grep ^.p /g')).out).toBe('apple\n');
    expect((await m.exec('grep y$ /g')).out).toBe('cherry\n');
    expect((await m.exec('grep a.*a /g')).out).toBe('banana\n');
    expect((await m.exec('grep zzz /g')).status).toBe(1);
  });
});
