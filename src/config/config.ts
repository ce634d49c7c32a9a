import { z } from 'zod';

const list = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0));

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

const logLevel = z
  .string()
  .transform((v) => v.toLowerCase())
  .pipe(z.enum(['fatal', 'error', 'warn', 'warning', 'info', 'debug', 'trace', 'silent']))
  .transform((v) => (v === 'warning' ? 'warn' : v));

/**
 * Every environment variable the service reads, with its default. The Kubernetes
 * ConfigMap and Secret, docker-compose.yml and docs/OPERATIONS.md are checked against this.
 */
export const envSchema = z.object({
  /** `production` hides internals in error bodies. @defaultValue `development` */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** pino level; the seed guide's `INFO`/`DEBUG` spellings are accepted. @defaultValue `info` */
  LOG_LEVEL: logLevel.default('info'),
  /** API HTTP port (the seed guide fixes 8080; tests use 0). @defaultValue 8080 */
  PORT: port.default(8080),
  /** Worker probe and metrics port. @defaultValue 9464 */
  WORKER_HTTP_PORT: port.default(9464),
  /**
   * Address the worker's probe and metrics port listens on. Loopback by default, so a worker run
   * by hand exposes nothing; the Kubernetes manifests set `0.0.0.0` (kubelet probes and
   * Prometheus reach the pod IP). @defaultValue `127.0.0.1`
   */
  WORKER_HTTP_HOST: z.union([z.ipv4(), z.ipv6()]).default('127.0.0.1'),
  /** MongoDB connection string (credentials come from a Secret, never a default). */
  MONGODB_URL: z.string().min(1).default('mongodb://127.0.0.1:27017/'),
  /** Database name (ConfigMap key `database-name`). @defaultValue `globeco_production` */
  DATABASE_NAME: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/).default('globeco_production'),
  /** MongoDB driver pool size per process. @defaultValue 20 */
  CONNECTION_POOL_SIZE: positiveInt.max(1000).default(20),
  /** Redis connection string for BullMQ. @defaultValue `redis://127.0.0.1:6379` */
  REDIS_URL: z.string().min(1).default('redis://127.0.0.1:6379'),
  /** BullMQ key prefix and queue base name, so several deployments can share one Redis. */
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).default('ogs'),
  /** Per-portfolio solve deadline in seconds (ConfigMap key `optimization-timeout`). @defaultValue 30 */
  OPTIMIZATION_TIMEOUT: z.coerce.number().positive().max(3600).default(30),
  /** Solver threads per worker process. @defaultValue 2 */
  THREAD_POOL_MAX_WORKERS: positiveInt.max(64).default(2),
  /** Chunks processed at once per worker process. @defaultValue 2 */
  WORKER_CONCURRENCY: positiveInt.max(256).default(2),
  /** Portfolios carried by one queue job. @defaultValue 200 */
  CHUNK_SIZE: positiveInt.max(10000).default(200),
  /** Where holdings, cash and prices come from. @defaultValue `snapshot` */
  MARKET_DATA_SOURCE: z.enum(['snapshot', 'globeco']).default('snapshot'),
  PORTFOLIO_ACCOUNTING_SERVICE_URL: z.url().default('http://globeco-portfolio-accounting-service:8087'),
  SECURITY_SERVICE_URL: z.url().default('http://globeco-security-service:8000'),
  PRICING_SERVICE_URL: z.url().default('http://globeco-pricing-service:8083'),
  /** The GlobeCo portfolio service (`globeco` source), for portfolio names; results carry no names while unset. */
  PORTFOLIO_SERVICE_URL: z.url().optional(),
  /** How long the v1 rebalance endpoints wait for a run before answering 202. @defaultValue 10 */
  V1_REBALANCE_WAIT_SECONDS: z.coerce.number().min(0).max(300).default(10),
  /**
   * Keys with `write` scope (read and change: models, runs, market data). Each entry is `secret`
   * or `name:secret`. With no key in any of the three lists the API is anonymous.
   */
  API_KEYS: list.default([]),
  /** Keys with `read` scope: every read route, the run view and a read-only queue board. */
  READ_API_KEYS: list.default([]),
  /** Keys with `admin` scope: everything `write` may, plus acting on the queue board. */
  ADMIN_API_KEYS: list.default([]),
  /**
   * Lets the API start in `NODE_ENV=production` with no key configured (everything open).
   * Off by default so a production pod with a missing Secret refuses to start. @defaultValue false
   */
  ALLOW_ANONYMOUS: z.enum(['true', 'false']).transform((v) => v === 'true').default(false),
  /** Browser origins allowed by CORS (the portal's); empty means no CORS headers. */
  CORS_ORIGINS: list.default([]),
  /** Largest JSON body accepted. @defaultValue `5mb` */
  BODY_LIMIT: z.string().regex(/^\d+(kb|mb)$/).default('5mb'),
  /** Whether the process is expected to run inside Kubernetes (fleet view in /health/health). */
  KUBERNETES_SERVICE_HOST: z.string().optional(),
  /** Namespace for the fleet view. @defaultValue `globeco` */
  POD_NAMESPACE: z.string().default('globeco'),
  /** Worker Deployment and HPA names for the fleet view. */
  WORKER_DEPLOYMENT_NAME: z.string().default('globeco-order-generation-worker'),
  WORKER_HPA_NAME: z.string().default('globeco-order-generation-worker-hpa'),
  /**
   * How many reverse-proxy hops in front of the API to trust for X-Forwarded-* (the Ingress
   * is one). A hop count, not "trust everything": with `true` a client could write its own
   * X-Forwarded-For and get a fresh rate-limit bucket per request. `false` or 0 trusts none.
   * @defaultValue 1
   */
  TRUST_PROXY: z
    .string()
    .regex(/^(\d{1,2}|true|false)$/, 'expected a hop count (0-99), true or false')
    .transform((v) => (v === 'true' ? 1 : v === 'false' ? 0 : Number(v)))
    .default(1),
  /** Per-client-IP sustained request rate on /api/, counted in Redis across API replicas (behind the Ingress's own limit); 0 turns it off. @defaultValue 50 */
  API_RATE_LIMIT_PER_SECOND: z.coerce.number().min(0).max(100_000).default(50),
  /** Requests a quiet client may send at once before the rate limit applies. @defaultValue 100 */
  API_RATE_LIMIT_BURST: positiveInt.max(1_000_000).default(100),
  /** A proposal whose run read its prices longer ago than this is not approved (409). @defaultValue 3600 */
  APPROVAL_MAX_PRICE_AGE_SECONDS: positiveInt.max(30 * 86_400).default(3600),
  /** The GlobeCo Order Service; sending orders is off while unset. */
  ORDER_SERVICE_URL: z.url().optional(),
  /** Per-request timeout towards the Order Service; past it a batch's outcome is unknown and reconciled. @defaultValue 10000 */
  ORDER_SERVICE_TIMEOUT_MS: positiveInt.max(300_000).default(10_000),
  /** Orders per POST to the Order Service (its limit is 1,000). @defaultValue 1000 */
  SEND_BATCH_SIZE: positiveInt.max(1000).default(1000),
  /** Send jobs a worker process runs at once. @defaultValue 2 */
  SEND_CONCURRENCY: positiveInt.max(64).default(2),
  /** How often the send sweeper looks for runs whose orders are ready to send. @defaultValue 5 */
  SEND_SWEEP_SECONDS: positiveInt.max(3600).default(5),
  /**
   * How often the run sweeper looks for open runs whose chunks are neither queued, active nor
   * recorded (lost with Redis, or a lost failure record) and repairs them; also how old a run
   * must be before it is swept. @defaultValue 30
   */
  RUN_SWEEP_SECONDS: positiveInt.max(3600).default(30),
  /**
   * Final runs older than this many days are deleted with their results, orders, summaries and
   * outboxes by an hourly job; 0 keeps everything. @defaultValue 0
   */
  RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(0),
});

/** The parsed, frozen configuration. */
export type Config = Readonly<z.output<typeof envSchema>>;

/** Every variable name the service reads. */
export const configKeys = Object.keys(envSchema.shape) as (keyof typeof envSchema.shape)[];

/**
 * Parses the environment once. Throws one error listing every bad variable,
 * so a misconfigured pod fails at start-up rather than at first use.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const picked: Record<string, string> = {};
  for (const key of configKeys) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const parsed = envSchema.safeParse(picked);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return Object.freeze(parsed.data);
}
