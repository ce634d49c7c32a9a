import { sleep } from '../../chaos/support/cluster.js';
import type { ControlPlane } from './control-plane.js';
import { isAlive, type Child } from './pod-process.js';

/** One observation of the scaling chain. */
export interface Sample {
  /** Seconds since the harness started. */
  t: number;
  /** The backlog Prometheus returns for the ScaledObject's own query (null: no result). */
  backlog: number | null;
  /** The HPA's desired replica count. */
  desired: number;
  /** The Deployment's spec.replicas and Ready replicas (kwok marks scheduled pods Ready). */
  replicas: number;
  ready: number;
  /** Worker processes running and not told to stop. */
  workers: number;
}

export interface Drain {
  name: string;
  code: number | null;
  ms: number;
}

export interface KubeletOptions {
  plane: ControlPlane;
  namespace: string;
  deployment: string;
  hpa: string;
  backlogQuery: string;
  startWorker: () => Promise<Child>;
}

/**
 * Plays the kubelet for one Deployment: every second it reads the Deployment's Ready replicas
 * and runs that many local worker processes, starting new ones or sending SIGTERM to the
 * newest (a pod deleted on scale-down). Records the timeline and every drain.
 */
export class WorkerKubelet {
  readonly timeline: Sample[] = [];
  readonly drains: Drain[] = [];
  readonly startErrors: string[] = [];
  private readonly running: Child[] = [];
  private starting = 0;
  private readonly stopping: Promise<void>[] = [];
  private loop?: Promise<void>;
  private stopped = false;
  readonly t0 = Date.now();

  constructor(private readonly o: KubeletOptions) {}

  start(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        await this.tick().catch((error: unknown) => this.startErrors.push(`tick: ${String(error)}`));
        await sleep(1_000);
      }
    })();
  }

  /** Stops reconciling and waits for draining workers; running workers are handed back. */
  async stop(): Promise<Child[]> {
    this.stopped = true;
    await this.loop;
    while (this.starting > 0) await sleep(100);
    await Promise.all(this.stopping);
    return this.running.filter(isAlive);
  }

  /** Resolves when every worker told to stop so far has exited. */
  async drained(): Promise<void> {
    await Promise.all(this.stopping);
  }

  /** A wall-clock time (ms) on the timeline's scale (seconds since start). */
  at(ms: number): number {
    return (ms - this.t0) / 1000;
  }

  get last(): Sample | undefined {
    return this.timeline.at(-1);
  }

  private async tick(): Promise<void> {
    const { plane, namespace, deployment, hpa } = this.o;
    const [dep, scaler, backlog] = await Promise.all([
      plane.apps().readNamespacedDeployment({ name: deployment, namespace }),
      plane.autoscaling().readNamespacedHorizontalPodAutoscaler({ name: hpa, namespace }).catch(() => undefined),
      plane.query(this.o.backlogQuery).then((r) => (r.length ? r.reduce((a, s) => a + s.value, 0) : null)),
    ]);
    const ready = dep.status?.readyReplicas ?? 0;
    this.reconcile(ready);
    this.timeline.push({
      t: Math.round((Date.now() - this.t0) / 100) / 10,
      backlog,
      desired: scaler?.status?.desiredReplicas ?? 0,
      replicas: dep.spec?.replicas ?? 0,
      ready,
      workers: this.running.filter(isAlive).length + this.starting,
    });
  }

  private reconcile(ready: number): void {
    for (let i = this.running.length - 1; i >= 0; i -= 1) if (!isAlive(this.running[i] as Child)) this.running.splice(i, 1);
    let excess = this.running.length + this.starting - ready;
    for (; excess > 0 && this.running.length > 0; excess -= 1) this.terminate(this.running.pop() as Child);
    // A process being started counts at once, like a pod that is Ready before it has warmed up.
    for (let n = this.running.length + this.starting; n < ready; n += 1) {
      this.starting += 1;
      this.o.startWorker().then(
        (child) => {
          this.starting -= 1;
          this.running.push(child);
        },
        (error: unknown) => {
          this.starting -= 1;
          this.startErrors.push(String(error));
        },
      );
    }
  }

  /** SIGTERM, as the kubelet sends to a deleted pod's container; the exit is awaited in the background. */
  terminate(child: Child): void {
    const started = Date.now();
    child.proc.kill('SIGTERM');
    this.stopping.push(child.exited.then((code) => void this.drains.push({ name: child.name, code, ms: Date.now() - started })));
  }
}

/** The timeline's rows where anything but the time changed, as a table. */
export function formatTimeline(samples: Sample[]): string {
  const key = (s: Sample) => `${s.backlog}|${s.desired}|${s.replicas}|${s.ready}|${s.workers}`;
  const rows = samples.filter((s, i) => i === 0 || key(s) !== key(samples[i - 1] as Sample));
  return ['   t(s)  backlog  desired  replicas  ready  workers', ...rows.map((s) => [s.t.toFixed(1).padStart(7), String(s.backlog ?? '-').padStart(8), String(s.desired).padStart(8), String(s.replicas).padStart(9), String(s.ready).padStart(6), String(s.workers).padStart(8)].join(' '))].join('\n');
}
