/** A position of an investment model. Weights are decimal strings, exact. */
export interface ModelPosition {
  securityId: string;
  target: string;
  highDrift: string;
  lowDrift: string;
}

/** An investment model (GlobeCo v1): target weights with drift bands, and the portfolios it governs. */
export interface InvestmentModel {
  modelId: string;
  name: string;
  positions: ModelPosition[];
  portfolios: string[];
  lastRebalanceDate: Date | null;
  version: number;
}
