import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const pid = Number(process.env.OGS_TEST_FERRETDB_PID);
  if (pid > 0) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  const dataDir = process.env.OGS_TEST_FERRETDB_DATA;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
