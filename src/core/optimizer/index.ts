export type {
  HoldingInput,
  PositionInput,
  ProblemInput,
  RecentSaleInput,
  SolveOptions,
  SolvePath,
  SolveResult,
  SolveStatus,
  TaxLotInput,
  TaxOptions,
} from './types.js';
export { solve, solveAndDerive, solveScaled, type SolveCallOptions } from './solve.js';
export { deriveRebalance, deriveScaled, type LotSale, type PositionOutcome, type RebalanceOutcome, type TaxSummary, type TradeOrder } from './derive.js';
export { buildProblem, type ScaledProblem, type ScaledSecurity } from './problem.js';
export type { ScaledOutcome } from './scaled-outcome.js';
export { verifyQuantities, type Verification } from './verify.js';
