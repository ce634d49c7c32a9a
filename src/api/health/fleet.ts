import type { KubeConfig } from '@kubernetes/client-node';

/** Where the worker fleet lives. */
export interface FleetOptions {
  /** @defaultValue `globeco` (config `POD_NAMESPACE`) */
  namespace: string;
  /** Config `WORKER_DEPLOYMENT_NAME`. */
  deploymentName: string;
  /** Config `WORKER_HPA_NAME`. */
  hpaName: string;
  /** A loaded KubeConfig; when absent, the in-cluster service account is used. */
  kubeConfig?: KubeConfig;
}

/** One HPA metric: its current value next to its target. */
export interface HpaMetric {
  name: string;
  current: string | null;
  target: string | null;
}

/** The worker fleet as `/health/health` reports it under `kubernetes`. */
export interface FleetStatus {
  namespace: string;
  worker_deployment: { name: string; desired_replicas: number; ready_replicas: number; available_replicas: number } | { name: string; error: string };
  worker_hpa:
    | {
        name: string;
        min_replicas: number | null;
        max_replicas: number;
        current_replicas: number;
        desired_replicas: number;
        metrics: HpaMetric[];
        conditions: { type: string; status: string; reason: string | null }[];
      }
    | { name: string; error: string };
}

export type FleetReader = () => Promise<FleetStatus>;

function errorText(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const text = error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
  return typeof code === 'number' ? `HTTP ${code}: ${text}`.slice(0, 300) : text.slice(0, 300);
}

type MetricStatus = {
  type: string;
  external?: { metric: { name: string }; current: { value?: string; averageValue?: string } };
  resource?: { name: string; current: { averageUtilization?: number; averageValue?: string } };
  pods?: { metric: { name: string }; current: { averageValue?: string } };
};
type MetricSpec = {
  type: string;
  external?: { metric: { name: string }; target: { value?: string; averageValue?: string } };
  resource?: { name: string; target: { averageUtilization?: number; averageValue?: string } };
  pods?: { metric: { name: string }; target: { averageValue?: string } };
};

function metricName(m: MetricSpec | MetricStatus): string {
  return m.external?.metric.name ?? m.resource?.name ?? m.pods?.metric.name ?? m.type;
}

function quantity(v: { value?: unknown; averageValue?: unknown; averageUtilization?: number } | undefined): string | null {
  if (!v) return null;
  if (v.averageUtilization !== undefined) return `${v.averageUtilization}%`;
  const q = v.averageValue ?? v.value;
  return q === undefined ? null : String(q);
}

/** Pairs each HPA metric target with its current value, so one glance shows why it scales. */
function hpaMetrics(spec: MetricSpec[], current: MetricStatus[]): HpaMetric[] {
  return spec.map((s) => {
    const name = metricName(s);
    const now = current.find((c) => metricName(c) === name);
    const target = s.external?.target ?? s.resource?.target ?? s.pods?.target;
    const cur = now?.external?.current ?? now?.resource?.current ?? now?.pods?.current;
    return { name, current: quantity(cur), target: quantity(target) };
  });
}

/**
 * Reads the worker Deployment and HPA with `@kubernetes/client-node`. Each read fails on its
 * own into an error entry (missing RBAC, API server down), never into a 500 of the health page.
 * The client is imported lazily: it is large and only needed inside a cluster.
 */
export async function createFleetReader(options: FleetOptions): Promise<FleetReader> {
  const k8s = await import('@kubernetes/client-node');
  const kc = options.kubeConfig ?? new k8s.KubeConfig();
  if (!options.kubeConfig) kc.loadFromCluster();
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const autoscaling = kc.makeApiClient(k8s.AutoscalingV2Api);
  const { namespace, deploymentName, hpaName } = options;

  async function deployment(): Promise<FleetStatus['worker_deployment']> {
    try {
      const d = await apps.readNamespacedDeployment({ name: deploymentName, namespace });
      return {
        name: deploymentName,
        desired_replicas: d.spec?.replicas ?? 0,
        ready_replicas: d.status?.readyReplicas ?? 0,
        available_replicas: d.status?.availableReplicas ?? 0,
      };
    } catch (error) {
      return { name: deploymentName, error: errorText(error) };
    }
  }

  async function hpa(): Promise<FleetStatus['worker_hpa']> {
    try {
      const h = await autoscaling.readNamespacedHorizontalPodAutoscaler({ name: hpaName, namespace });
      return {
        name: hpaName,
        min_replicas: h.spec?.minReplicas ?? null,
        max_replicas: h.spec?.maxReplicas ?? 0,
        current_replicas: h.status?.currentReplicas ?? 0,
        desired_replicas: h.status?.desiredReplicas ?? 0,
        metrics: hpaMetrics((h.spec?.metrics ?? []) as MetricSpec[], (h.status?.currentMetrics ?? []) as MetricStatus[]),
        conditions: (h.status?.conditions ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason ?? null })),
      };
    } catch (error) {
      return { name: hpaName, error: errorText(error) };
    }
  }

  return async () => {
    const [worker_deployment, worker_hpa] = await Promise.all([deployment(), hpa()]);
    return { namespace, worker_deployment, worker_hpa };
  };
}
