import type { RouteDefinition } from './route.js';
import { healthRoutes } from './health.js';
import { modelRoutes } from './models.js';

/** Every route of the API, in registration order. Add a feature's routes with one line. */
export const routes: readonly RouteDefinition[] = [
  ...healthRoutes,
  ...modelRoutes,
];
