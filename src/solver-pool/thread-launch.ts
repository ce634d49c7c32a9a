import { Worker } from 'node:worker_threads';
import { Progress, type ThreadData } from './protocol.js';

/** The optimizer, resolved next to this module so it works from the sources and from `dist`. */
export const defaultSolverModule = new URL('../core/optimizer/index.js', import.meta.url);

/**
 * Starts one solver thread. From compiled JS the thread is `solve-thread.js` next to this file.
 * From the TypeScript sources (tests, `tsx`) it is `solve-thread.ts`, loaded through tsx's
 * loader: `execArgv: ['--import', 'tsx']` does not apply to worker threads on Node 20.20
 * (measured: ERR_UNKNOWN_FILE_EXTENSION), so a two-line bootstrap registers tsx in the thread
 * and then imports the entry.
 */
export function launchThread(progress: Progress, solverModule: URL): Worker {
  const fromSources = import.meta.url.endsWith('.ts');
  // Under tsx a `.js` specifier finds the `.ts` source, so the same URL serves both cases.
  const workerData: ThreadData = { progress: progress.buffer, solverModule: solverModule.href };
  if (!fromSources) {
    return new Worker(new URL('./solve-thread.js', import.meta.url), { workerData });
  }
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./solve-thread.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}
