import { describe, expect, it } from '@jest/globals';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { NAMES, find, readRepoFile, readYaml, render } from '../deploy/support/manifests.js';
import { adapterQuery, ciPatched, CI_TIMINGS, expectedWorkers } from './support/scaling.js';

// Runs in plain `npm test` too: what test:k8s applies and queries must be the overlays' own.
describe('what test:k8s takes from the manifests', () => {
  it('when the CI patch is applied, then only serverAddress and timings of the ScaledObject differ from production-keda', () => {
    const objects = render('k8s/overlays/production-keda');
    const patched = ciPatched(objects, 'http://127.0.0.1:9999');
    const before = find<IScaledObject>(objects, 'ScaledObject', NAMES.worker);
    const after = find<IScaledObject>(patched, 'ScaledObject', NAMES.worker);
    expect(after.spec.triggers[0]?.metadata.serverAddress).toBe('http://127.0.0.1:9999');
    expect(after.spec.pollingInterval).toBe(CI_TIMINGS.pollingInterval);
    // Put the production values back: the rest must be identical, the query included.
    const restored = structuredClone(after);
    restored.spec.pollingInterval = before.spec.pollingInterval;
    restored.spec.cooldownPeriod = before.spec.cooldownPeriod;
    const down = restored.spec.advanced?.horizontalPodAutoscalerConfig?.behavior?.scaleDown;
    const prodDown = before.spec.advanced?.horizontalPodAutoscalerConfig?.behavior?.scaleDown;
    if (down && prodDown) {
      down.stabilizationWindowSeconds = prodDown.stabilizationWindowSeconds;
      down.policies?.forEach((p, i) => (p.periodSeconds = prodDown.policies?.[i]?.periodSeconds ?? p.periodSeconds));
    }
    (restored.spec.triggers[0] as { metadata: Record<string, string> }).metadata.serverAddress = before.spec.triggers[0]?.metadata.serverAddress ?? '';
    expect(restored).toEqual(before);
    expect(patched.filter((o) => o.kind !== 'ScaledObject')).toEqual(objects.filter((o) => o.kind !== 'ScaledObject'));
  });

  it('when the adapter rule is filled in for the base HPA, then it is the query DEPLOYMENT.md documents', () => {
    const hpa = find<IHorizontalPodAutoscaler>(render('k8s/base'), 'HorizontalPodAutoscaler', NAMES.workerHpa);
    const query = adapterQuery(readYaml('k8s/monitoring/prometheus-adapter-values.yaml'), hpa);
    expect(query).toBe('sum by (namespace, queue) (max by (namespace, queue, state) (ogs_queue_jobs{namespace="globeco",queue="rebalance",state=~"waiting|prioritized"}))');
    expect(readRepoFile('docs/DEPLOYMENT.md')).toContain(query);
  });

  it('when chunks outnumber what the minimum fleet holds, then the expected workers are ceil(waiting / threshold) within bounds', () => {
    expect(expectedWorkers({ chunks: 24, min: 2, max: 20, concurrency: 2, threshold: 4 })).toBe(5);
    expect(expectedWorkers({ chunks: 3, min: 2, max: 20, concurrency: 2, threshold: 4 })).toBe(2);
    expect(expectedWorkers({ chunks: 400, min: 2, max: 20, concurrency: 2, threshold: 4 })).toBe(20);
  });
});
