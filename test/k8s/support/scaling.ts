import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { K8sObject } from '../../deploy/support/manifests.js';

/** The ScaledObject timings the CI patch shortens (seconds); the production values stay in the overlay. */
export const CI_TIMINGS = { pollingInterval: 2, cooldownPeriod: 10, scaleDownWindow: 15, scaleDownPeriod: 5 } as const;

/**
 * The production-keda overlay as the test applies it: the ScaledObject's Prometheus address
 * points at the local Prometheus and its timings are shortened. Nothing else changes; in
 * particular the trigger's query and threshold and the scaling bounds are the overlay's own.
 */
export function ciPatched(objects: K8sObject[], prometheusUrl: string): K8sObject[] {
  return objects.map((object) => {
    if (object.kind !== 'ScaledObject') return object;
    const so = structuredClone(object) as unknown as IScaledObject;
    so.spec.pollingInterval = CI_TIMINGS.pollingInterval;
    so.spec.cooldownPeriod = CI_TIMINGS.cooldownPeriod;
    const scaleDown = so.spec.advanced?.horizontalPodAutoscalerConfig?.behavior?.scaleDown;
    if (scaleDown) {
      scaleDown.stabilizationWindowSeconds = CI_TIMINGS.scaleDownWindow;
      for (const policy of scaleDown.policies ?? []) policy.periodSeconds = CI_TIMINGS.scaleDownPeriod;
    }
    for (const trigger of so.spec.triggers) if (trigger.type === 'prometheus') trigger.metadata.serverAddress = prometheusUrl;
    return so as unknown as K8sObject;
  });
}

/**
 * The workers an HPA asks for when `chunks` are enqueued while `min` workers hold
 * `concurrency` each: ceil(waiting / threshold), within the bounds.
 */
export function expectedWorkers(o: { chunks: number; min: number; max: number; concurrency: number; threshold: number }): number {
  const waiting = Math.max(0, o.chunks - o.min * o.concurrency);
  return Math.min(o.max, Math.max(o.min, Math.ceil(waiting / o.threshold)));
}

interface AdapterValues {
  rules: { external: { metricsQuery: string }[] };
}

/**
 * The PromQL prometheus-adapter runs for the HPA's External metric: the rule's metricsQuery
 * with <<.Series>> and <<.LabelMatchers>> filled in as the adapter does (the HPA's namespace,
 * then its selector: matchLabels as `=`, `In` expressions as `=~"a|b"`).
 */
export function adapterQuery(values: AdapterValues, hpa: IHorizontalPodAutoscaler): string {
  const rule = values.rules.external[0];
  const metric = hpa.spec?.metrics?.[0]?.external?.metric;
  if (!rule || !metric) throw new Error('no external rule or External metric');
  const matchers = [`namespace="${hpa.metadata?.namespace ?? ''}"`];
  for (const [k, v] of Object.entries(metric.selector?.matchLabels ?? {})) matchers.push(`${k}="${v}"`);
  for (const e of metric.selector?.matchExpressions ?? []) {
    if (e.operator !== 'In') throw new Error(`selector operator ${e.operator} not handled`);
    matchers.push(`${e.key}=~"${(e.values ?? []).join('|')}"`);
  }
  return rule.metricsQuery.replaceAll('<<.Series>>', metric.name).replaceAll('<<.LabelMatchers>>', matchers.join(','));
}
