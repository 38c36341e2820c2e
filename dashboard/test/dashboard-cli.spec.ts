// `coex dashboard` through the real CLI: it prints the URL once it serves, stops on SIGTERM with
// exit 0, and bad input (no run folder, a bad port, a port in use) exits 2 with one line.
import { expect } from 'chai';
import * as path from 'node:path';
import { coexAsync, coexMany } from '../../test/helpers/cli';
import { startDashboard } from '../src';
import { get, tempDir, tinyRun } from './helpers';

describe('coex dashboard: the command', function () {
  this.timeout(120_000);
  let dir: string;

  before(async () => {
    dir = await tinyRun(path.join(tempDir(), 'run'), 4);
  });

  it('prints the URL when it serves, and stops on SIGTERM with exit 0', async () => {
    const child = coexAsync(['dashboard', dir, '--port', '0']);
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (d) => {
        stdout += d;
        const m = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
        if (m) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`coex dashboard exited ${code} before serving: ${stderr}`)));
    });
    const summary = await get(`${url}api/summary`);
    expect(summary.status).to.equal(200);
    expect(JSON.parse(summary.body).runs[0].counts.sampled).to.equal(4);
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(code, stderr).to.equal(0);
  });

  it('bad input exits 2 with one line naming what was wrong', async () => {
    const busy = await startDashboard(dir, { port: 0 });
    try {
      const port = new URL(busy.origin).port;
      const [notRun, badPort, inUse] = await coexMany([
        ['dashboard', tempDir()],
        ['dashboard', dir, '--port', 'eighty'],
        ['dashboard', dir, '--port', port],
      ]);
      expect(notRun.status).to.equal(2);
      expect(notRun.stderr).to.match(/is neither a Coex run folder \(no config\.json\) nor a study folder/);
      expect(badPort.status).to.equal(2);
      expect(badPort.stderr).to.include('--port expects a port number 0-65535');
      expect(inUse.status).to.equal(2);
      expect(inUse.stderr).to.include(`--port ${port}: the port is in use on 127.0.0.1`);
      for (const r of [notRun, badPort, inUse]) expect(r.stderr).not.to.match(/\n\s+at /);
    } finally {
      await busy.close();
    }
  });
});
