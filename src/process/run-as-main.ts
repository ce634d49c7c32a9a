import { pathToFileURL } from 'node:url';

/** True when the module at `moduleUrl` is the script node was started with. */
export function isMainModule(moduleUrl: string): boolean {
  return Boolean(process.argv[1]) && moduleUrl === pathToFileURL(process.argv[1]!).href;
}

/**
 * Starts a process role and stops it cleanly on SIGTERM/SIGINT. Both roles run as PID 1 in
 * their containers, where a signal without a handler is ignored, so the handlers matter.
 */
export function runAsMain(role: string, start: () => Promise<unknown>, stop: () => Promise<void>): void {
  const shutdown = (signal: string) => {
    stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        console.error(`${role}: shutdown after ${signal} failed`, error);
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  start().catch((error: unknown) => {
    console.error(`${role} failed to start`, error);
    process.exit(1);
  });
}
