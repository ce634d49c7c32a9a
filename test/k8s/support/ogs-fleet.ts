import { randomBytes } from 'node:crypto';
import { Cluster, freePort, sleep, waitFor } from '../../chaos/support/cluster.js';
import { runViolations, type RunJsonLike } from '../../chaos/support/invariants.js';
import { seedModel } from '../../chaos/support/seed.js';
import { FakeGlobeco, type FakeSummary } from '../../support/fake-globeco.js';
import { ModelsRepository } from '../../../src/store/models-repository.js';
import { NAMES, type K8sObject } from '../../deploy/support/manifests.js';
import { containerCommand, containerEnv, isAlive, launch, type Child } from './pod-process.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TERMINAL = ['completed', 'completed_with_errors', 'failed', 'cancelled'];

export interface RunRecord extends RunJsonLike {
  run_id: string;
  processed: number;
  selection?: { model_ids?: string[] };
}

export interface FleetOptions {
  /** The rendered overlay whose Deployments' env and commands the processes get. */
  objects: K8sObject[];
  namespace: string;
  portfolios: number;
  /** Portfolios per chunk (the API's CHUNK_SIZE). */
  chunkSize: number;
  /** Every GlobeCo upstream answer takes this long, so a chunk lasts a known time whatever the CPU. */
  upstreamMs: number;
}

/**
 * The service outside the cluster, as the overlay's pods would run it: API and worker
 * processes from dist/ with the env their Deployments give them (ConfigMap keys, Secret keys),
 * a private FerretDB and queue prefix (Cluster, from the chaos suite) on the shared Redis,
 * and a fake GlobeCo upstream (the ConfigMap's MARKET_DATA_SOURCE is `globeco`).
 */
export class OgsFleet {
  readonly cluster = new Cluster();
  readonly apis: { child: Child; port: number }[] = [];
  readonly workers: Child[] = [];
  private readonly upstream = new FakeGlobeco();
  /** The Secret's API_KEYS, as an operator would fill it in from secrets.template.yaml. */
  private readonly apiKey = randomBytes(12).toString('hex');
  /** Seeded models: the portfolio ids of each, by model id. */
  private readonly models = new Map<string, string[]>();

  constructor(private readonly o: FleetOptions) {}

  get apiUrl(): string {
    return `http://127.0.0.1:${this.apis[0]?.port ?? 0}`;
  }

  /**
   * Starts FerretDB, seeds one model per entry of `models` (portfolio counts; the API reads
   * its model catalog at start, so models are seeded first), the upstream and `apis` APIs.
   * Resolves to the model ids.
   */
  async start(apis: number, models: number[] = [this.o.portfolios]): Promise<string[]> {
    await this.cluster.startFerret();
    const ids: string[] = [];
    for (const portfolios of models) ids.push(await this.addModel(portfolios));
    await this.upstream.start();
    this.upstream.behave('*', { kind: 'slow', ms: this.o.upstreamMs });
    for (let i = 0; i < apis; i += 1) await this.startApi();
    return ids;
  }

  /** Seeds a model over `portfolios` new portfolios, in the database and at the fake upstream. */
  private async addModel(portfolios: number): Promise<string> {
    const db = await this.cluster.db();
    const { modelId, portfolioIds } = await seedModel(db, portfolios, 7 + this.models.size, `k8s-${this.models.size}-${portfolios}`);
    const securities = (await new ModelsRepository(db).get(modelId)).positions.map((p) => p.securityId);
    portfolioIds.forEach((id, i) => (this.upstream.seed.portfolios[id] = summary(securities, i)));
    securities.forEach((s, i) => {
      this.upstream.seed.tickers[s] = `T${i}`;
      this.upstream.seed.closes[`T${i}`] = (10 + i * 7.25).toFixed(2);
    });
    this.models.set(modelId, portfolioIds);
    return modelId;
  }

  private env(deployment: string, port: Record<string, string>): Record<string, string> {
    const fromManifest = containerEnv(this.o.objects, deployment, {
      namespace: this.o.namespace,
      secrets: { MONGODB_URL: this.cluster.mongoUrl, REDIS_URL, API_KEYS: this.apiKey },
    });
    return {
      ...fromManifest,
      // What the cluster would supply differently: our private database and queue prefix on
      // the shared Redis, the fake upstream, free ports, quieter logs, the test's chunk size.
      DATABASE_NAME: this.cluster.dbName,
      QUEUE_PREFIX: this.cluster.queuePrefix,
      PORTFOLIO_ACCOUNTING_SERVICE_URL: this.upstream.url,
      SECURITY_SERVICE_URL: this.upstream.url,
      PRICING_SERVICE_URL: this.upstream.url,
      LOG_LEVEL: 'warn',
      CHUNK_SIZE: String(this.o.chunkSize),
      ...port,
    };
  }

  async startApi(): Promise<void> {
    const port = await freePort();
    const child = launch(`api-${this.apis.length}`, containerCommand(this.o.objects, NAMES.api), this.env(NAMES.api, { PORT: String(port) }));
    this.apis.push({ child, port });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined))?.status === 200, 60_000, () => `API not ready:\n${child.tail()}`);
  }

  /** Starts a worker as the worker Deployment's container would run; resolves once its probe answers. */
  async startWorker(): Promise<Child> {
    const port = await freePort();
    const child = launch(`worker-${this.workers.length}`, containerCommand(this.o.objects, NAMES.worker), this.env(NAMES.worker, { WORKER_HTTP_PORT: String(port) }));
    this.workers.push(child);
    await waitFor(async () => !isAlive(child) || (await fetch(`http://127.0.0.1:${port}/health/live`).catch(() => undefined))?.ok === true, 60_000, () => `worker not up:\n${child.tail()}`);
    if (!isAlive(child)) throw new Error(`worker exited at start:\n${child.tail()}`);
    return child;
  }

  /** Submits a run of one model (the first seeded by default). */
  async submit(modelId = [...this.models.keys()][0]): Promise<string> {
    const res = await fetch(`${this.apiUrl}/api/v1/runs`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-API-Key': this.apiKey }, body: JSON.stringify({ model_ids: [modelId] }) });
    if (res.status !== 202) throw new Error(`submit: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { run_id: string }).run_id;
  }

  async getRun(runId: string): Promise<RunRecord> {
    const res = await fetch(`${this.apiUrl}/api/v1/runs/${runId}`, { headers: { 'X-API-Key': this.apiKey } });
    if (res.status !== 200) throw new Error(`GET run ${runId}: ${res.status}`);
    return (await res.json()) as RunRecord;
  }

  async waitForRun(runId: string, timeoutMs: number): Promise<RunRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = await this.getRun(runId);
      if (TERMINAL.includes(run.status)) return run;
      if (Date.now() > deadline) throw new Error(`run ${runId} not finished: ${JSON.stringify(run)}`);
      await sleep(500);
    }
  }

  /** What the run broke (see the chaos suite's invariants): empty when every portfolio has one result. */
  async violations(runId: string, run: RunRecord): Promise<string[]> {
    const modelId = run.selection?.model_ids?.[0] ?? '';
    return runViolations(await this.cluster.db(), runId, run, this.models.get(modelId) ?? []);
  }

  async close(): Promise<void> {
    for (const child of [...this.workers, ...this.apis.map((a) => a.child)].filter(isAlive)) {
      child.proc.kill('SIGKILL');
      await child.exited;
    }
    await this.upstream.stop().catch(() => undefined);
    await this.cluster.close();
  }
}

/** A portfolio holding most of the model's securities, some over and some under target. */
function summary(securities: string[], i: number): FakeSummary {
  return {
    cashBalance: String(10_000 + (i % 97) * 250),
    securities: securities.filter((_, s) => (i + s) % 3 !== 0).map((securityId, s) => ({ securityId, netQuantity: String(((i * 7 + s * 13) % 50) + 1) })),
  };
}
