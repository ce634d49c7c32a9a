// Run by failures.test.ts in a child process: after close() nothing may keep the process alive.
import { createSolverPool } from '../../../src/solver-pool/index.js';
import { stubSolverModule } from './stub-solver.js';

const pool = createSolverPool({ size: 2, defaultDeadlineMs: 1_000, solverModule: stubSolverModule });
const result = await pool.solve({ cash: '1', holdings: [], prices: {}, positions: [] });
await pool.close();
process.stdout.write(`${result.status}\n`);
