import { describe, expect, it } from '@jest/globals';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { METRIC_NAMES, QUEUE_STATES } from '../../src/observability/metrics.js';
import { NAMES, find, podSpecOf, readYaml, render } from './support/manifests.js';

interface AdapterRule {
  seriesQuery: string;
  resources: { overrides: Record<string, { resource: string }> };
  name: { matches: string; as: string };
  metricsQuery: string;
}

const adapter = readYaml<{ prometheus: { url: string; port: number }; rules: { default: boolean; external: AdapterRule[] } }>('k8s/monitoring/prometheus-adapter-values.yaml');
const rule = adapter.rules.external[0] as AdapterRule;
const BACKLOG_STATES = ['waiting', 'prioritized'];

type Series = { labels: Record<string, string>; value: number };

/** Evaluates `sum by (A) (max by (B) (series))` the way Prometheus would, for the rule's shape. */
function evaluate(query: string, series: Series[]): number[] {
  const shape = /^sum by \(([^)]*)\) \(max by \(([^)]*)\) \(<<\.Series>>\{<<\.LabelMatchers>>\}\)\)$/.exec(query);
  if (!shape) throw new Error(`unexpected metricsQuery shape: ${query}`);
  const labelsOf = (group: string | undefined) => (group ?? '').split(',').map((s) => s.trim());
  const groupBy = (items: Series[], labels: string[], fold: (a: number, b: number) => number) => {
    const groups = new Map<string, Series>();
    for (const s of items) {
      const key = labels.map((l) => s.labels[l] ?? '').join('\u0000');
      const kept = Object.fromEntries(labels.map((l) => [l, s.labels[l] ?? '']));
      const prev = groups.get(key);
      groups.set(key, { labels: kept, value: prev ? fold(prev.value, s.value) : s.value });
    }
    return [...groups.values()];
  };
  const deduplicated = groupBy(series, labelsOf(shape[2]), Math.max);
  return groupBy(deduplicated, labelsOf(shape[1]), (a, b) => a + b).map((s) => s.value);
}

/** What each API replica exports at one scrape: the same queue counts, under its own pod label. */
function scrape(replicas: number, counts: Record<string, number>, namespace = 'globeco'): Series[] {
  return Array.from({ length: replicas }, (_, i) =>
    Object.entries(counts).map(([state, value]) => ({ labels: { __name__: 'ogs_queue_jobs', namespace, queue: 'rebalance', state, pod: `api-${i}`, instance: `10.0.0.${i}:8080` }, value })),
  ).flat();
}

/** The HPA's selector narrows the series (the adapter turns it into <<.LabelMatchers>>). */
function selected(hpa: IHorizontalPodAutoscaler, series: Series[]): Series[] {
  const metric = hpa.spec?.metrics?.[0]?.external?.metric;
  return series.filter(
    (s) =>
      Object.entries(metric?.selector?.matchLabels ?? {}).every(([k, v]) => s.labels[k] === v) &&
      (metric?.selector?.matchExpressions ?? []).every((e) => e.operator === 'In' && (e.values ?? []).includes(s.labels[e.key] ?? '')),
  );
}

function desiredReplicas(hpa: IHorizontalPodAutoscaler, metricTotal: number): number {
  const perPod = Number(hpa.spec?.metrics?.[0]?.external?.target.averageValue);
  return Math.min(hpa.spec?.maxReplicas ?? 0, Math.max(hpa.spec?.minReplicas ?? 1, Math.ceil(metricTotal / perPod)));
}

describe('when the worker HPA (prometheus-adapter) is checked', () => {
  const objects = render('k8s/overlays/production');
  const hpa = find<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler', NAMES.workerHpa);
  const metric = hpa.spec?.metrics?.[0];

  it('then it scales the worker Deployment on the external ogs_queue_jobs backlog per pod (AverageValue)', () => {
    expect(hpa.spec?.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: NAMES.worker });
    expect(hpa.spec?.metrics).toHaveLength(1);
    expect(metric?.type).toBe('External');
    expect(metric?.external?.metric.name).toBe(METRIC_NAMES.queueJobs);
    expect(metric?.external?.metric.selector).toEqual({
      matchLabels: { queue: 'rebalance' },
      matchExpressions: [{ key: 'state', operator: 'In', values: BACKLOG_STATES }],
    });
    expect(metric?.external?.target.type).toBe('AverageValue');
    expect(Number(metric?.external?.target.averageValue)).toBeGreaterThan(0);
    for (const state of BACKLOG_STATES) expect(QUEUE_STATES).toContain(state);
  });

  it('then it scales up at once but down only after a five-minute window, a few pods at a time', () => {
    const { scaleUp, scaleDown } = hpa.spec?.behavior ?? {};
    expect(scaleUp?.stabilizationWindowSeconds).toBe(0);
    expect(scaleDown?.stabilizationWindowSeconds).toBeGreaterThanOrEqual(300);
    expect(scaleDown?.policies?.every((p) => p.type === 'Pods' && p.value <= 2)).toBe(true);
    expect(hpa.spec?.minReplicas).toBeGreaterThanOrEqual(1);
    expect(hpa.spec?.maxReplicas).toBe(20);
  });

  it('then the adapter rule serves that metric name from the series the API exports', () => {
    expect(adapter.rules.default).toBe(false);
    expect(rule.seriesQuery).toMatch(/^ogs_queue_jobs\{/);
    expect(rule.name.as).toBe(METRIC_NAMES.queueJobs);
    expect(rule.resources.overrides.namespace?.resource).toBe('namespace');
    expect(rule.metricsQuery).toContain('max by (');
  });

  it('then three API replicas exporting the same backlog count once, and the HPA asks for backlog / target pods', () => {
    const series = scrape(3, { waiting: 30, prioritized: 10, active: 8, delayed: 5, failed: 100 });
    const values = evaluate(rule.metricsQuery, selected(hpa, series));
    const total = values.reduce((a, b) => a + b, 0);
    expect(total).toBe(40);
    expect(desiredReplicas(hpa, total)).toBe(Math.ceil(40 / Number(metric?.external?.target.averageValue)));
    // Without the max, the same scrape would look like three times the work.
    const naive = selected(hpa, series).reduce((a, s) => a + s.value, 0);
    expect(naive).toBe(120);
  });

  it('then an empty queue falls back to the minimum and a flood stops at the maximum', () => {
    expect(desiredReplicas(hpa, 0)).toBe(hpa.spec?.minReplicas);
    const flood = evaluate(rule.metricsQuery, selected(hpa, scrape(5, { waiting: 100000, prioritized: 0 })));
    expect(desiredReplicas(hpa, flood[0] ?? 0)).toBe(hpa.spec?.maxReplicas);
  });
});

describe('when the KEDA ScaledObject is checked against the HPA it replaces', () => {
  const keda = render('k8s/overlays/production-keda');
  const hpa = find<IHorizontalPodAutoscaler>(render('k8s/overlays/production'), 'HorizontalPodAutoscaler', NAMES.workerHpa);
  const scaled = find<IScaledObject>(keda, 'ScaledObject', NAMES.worker);
  const trigger = scaled.spec?.triggers[0];

  it('then the adapter-backed HPA is gone and KEDA owns an HPA of the same name', () => {
    expect(keda.filter((o) => o.kind === 'HorizontalPodAutoscaler').map((o) => o.metadata.name)).toEqual([NAMES.apiHpa]);
    expect(scaled.spec?.advanced?.horizontalPodAutoscalerConfig?.name).toBe(NAMES.workerHpa);
    expect(scaled.spec?.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: NAMES.worker });
  });

  it('then it queries the same deduplicated backlog, in its own namespace, with the same per-pod target', () => {
    expect(trigger?.type).toBe('prometheus');
    expect(trigger?.metricType).toBe('AverageValue');
    expect(trigger?.metadata.query).toBe(
      `sum(max by (queue, state) (${METRIC_NAMES.queueJobs}{namespace="${scaled.metadata?.namespace}",queue="rebalance",state=~"${BACKLOG_STATES.join('|')}"}))`,
    );
    expect(trigger?.metadata.threshold).toBe(hpa.spec?.metrics?.[0]?.external?.target.averageValue);
  });

  it('then it asks the same Prometheus the adapter is configured with', () => {
    expect(trigger?.metadata.serverAddress).toBe(`${adapter.prometheus.url}:${adapter.prometheus.port}`);
  });

  it('then a failed scrape holds the current scale instead of reading as an empty queue', () => {
    expect(trigger?.metadata.ignoreNullValues).toBe('false');
  });

  it('then replica bounds and scaling behaviour match the HPA', () => {
    expect(scaled.spec?.minReplicaCount).toBe(hpa.spec?.minReplicas);
    expect(scaled.spec?.maxReplicaCount).toBe(hpa.spec?.maxReplicas);
    expect(scaled.spec?.advanced?.horizontalPodAutoscalerConfig?.behavior).toEqual(hpa.spec?.behavior);
  });
});

describe('when the API HPA, disruption budgets and spreading are checked in production', () => {
  const objects = render('k8s/overlays/production');

  it('then the API HPA follows the seed: CPU 70 %, memory 80 %, 3 to 20 replicas, faster up than down', () => {
    const hpa = find<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler', NAMES.apiHpa);
    expect(hpa.spec?.scaleTargetRef.name).toBe(NAMES.api);
    expect([hpa.spec?.minReplicas, hpa.spec?.maxReplicas]).toEqual([3, 20]);
    const targets = Object.fromEntries((hpa.spec?.metrics ?? []).map((m) => [m.resource?.name, m.resource?.target]));
    expect(targets).toEqual({ cpu: { type: 'Utilization', averageUtilization: 70 }, memory: { type: 'Utilization', averageUtilization: 80 } });
    const { scaleUp, scaleDown } = hpa.spec?.behavior ?? {};
    expect(scaleDown?.stabilizationWindowSeconds).toBeGreaterThan(scaleUp?.stabilizationWindowSeconds ?? 0);
  });

  it('then at least two API pods survive voluntary disruption and workers drain one at a time', () => {
    const api = find<IPodDisruptionBudget>(objects, 'PodDisruptionBudget', `${NAMES.api}-pdb`);
    const worker = find<IPodDisruptionBudget>(objects, 'PodDisruptionBudget', `${NAMES.worker}-pdb`);
    expect(api.spec).toEqual({ minAvailable: 2, selector: { matchLabels: { app: NAMES.api } } });
    expect(worker.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { app: NAMES.worker } } });
  });

  it('then api and worker pods prefer different nodes', () => {
    for (const name of [NAMES.api, NAMES.worker]) {
      const term = podSpecOf(objects, 'Deployment', name).affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.[0];
      expect(term?.podAffinityTerm).toMatchObject({ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: name } } });
    }
  });
});
