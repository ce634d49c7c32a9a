import type { RouteDefinition } from './route.js';
import { healthRoutes } from './health.js';
import { modelRoutes } from './models.js';
import { runRoutes } from './runs.js';
import { v1RebalanceRoutes } from './v1-rebalance.js';
import { rebalanceRoutes } from './rebalances.js';
import { marketDataRoutes } from './market-data.js';
import { proposalRoutes } from './proposals.js';
import { blockRoutes } from './blocks.js';
import { sendingRoutes } from './sending.js';

/** Every route of the API, in registration order. Add a feature's routes with one line. */
export const routes: readonly RouteDefinition[] = [
  ...healthRoutes,
  ...modelRoutes,
  ...runRoutes,
  ...proposalRoutes,
  ...blockRoutes,
  ...sendingRoutes,
  ...v1RebalanceRoutes,
  ...rebalanceRoutes,
  ...marketDataRoutes,
];
