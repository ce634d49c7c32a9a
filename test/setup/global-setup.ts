import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';

const root = join(import.meta.dirname, '..', '..');

// Kept here rather than imported from test/support: jest loads global setup outside its
// module mapper, so the `.js` import of a `.ts` sibling would not resolve.
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForPing(url: string, deadline: number): Promise<void> {
  for (;;) {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 500 });
    try {
      await client.db('admin').command({ ping: 1 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.close();
    }
  }
}

/**
 * Gives every test file a real MongoDB-protocol server: the one in MONGODB_URL when set
 * (e.g. MongoDB 7 from docker compose), otherwise a private FerretDB on a free loopback
 * port with throwaway SQLite files, stopped by its PID in global-teardown.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.MONGODB_URL) {
    await waitForPing(process.env.MONGODB_URL, Date.now() + 10_000);
    return;
  }
  execFileSync(join(root, 'scripts', 'ferretdb.sh'), ['build'], { stdio: 'inherit' });
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'ogs-ferretdb-'));
  const child = spawn(
    join(root, '.bin', 'ferretdb'),
    [
      `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=-',
      '--handler=sqlite',
      `--sqlite-url=file:${dataDir}/`,
      `--state-dir=${dataDir}`,
      '--telemetry=disable',
      '--log-level=error',
    ],
    { stdio: 'ignore', detached: false },
  );
  const url = `mongodb://127.0.0.1:${port}/`;
  process.env.MONGODB_URL = url;
  process.env.OGS_TEST_FERRETDB_PID = String(child.pid);
  process.env.OGS_TEST_FERRETDB_DATA = dataDir;
  await waitForPing(url, Date.now() + 20_000);
}
