import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { sleep, waitFor } from '../chaos/support/cluster.js';
import { NAMES, VARIANTS, find, parseDocuments, podSpecOf, readRepoFile, readYaml, render, type K8sObject } from '../deploy/support/manifests.js';
import { ControlPlane } from './support/control-plane.js';
import { formatTimeline, WorkerKubelet } from './support/kubelet.js';
import { OgsFleet } from './support/ogs-fleet.js';
import type { Child } from './support/pod-process.js';
import { adapterQuery, ciPatched, CI_TIMINGS, expectedWorkers } from './support/scaling.js';

/** Needs the binaries of scripts/k8s-local/build.sh: only `npm run test:k8s` (OGS_K8S=1) runs it. */
const describeK8s = process.env.OGS_K8S === '1' ? describe : describe.skip;

// The scaling run: CHUNKS chunks, each lasting seconds because every upstream answer does.
const CHUNK_SIZE = Number(process.env.OGS_K8S_CHUNK_SIZE ?? 50);
const CHUNKS = Number(process.env.OGS_K8S_CHUNKS ?? 24);
const UPSTREAM_MS = Number(process.env.OGS_K8S_UPSTREAM_MS ?? 1500);
/** The drain test's run: enough for every worker to hold chunks when one is stopped. */
const DRAIN_CHUNKS = 6;
const NAMESPACE = 'globeco';

const figures: string[] = [];

describeK8s('the manifests on a real control plane (scripts/k8s-local)', () => {
  let plane: ControlPlane;
  const startedAt = Date.now();

  beforeAll(async () => {
    plane = await ControlPlane.up();
    figures.push(`control plane up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  }, 300_000);

  afterAll(async () => {
    await plane?.down();
    console.log(`test:k8s figures:\n${figures.join('\n')}\ntotal ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  }, 60_000);

  it('when every overlay is applied with --dry-run=server, then the API server admits every object', () => {
    for (const ns of new Set(VARIANTS.map((v) => v.namespace))) plane.kubectl(['apply', '-f', '-'], asList([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }]));
    for (const variant of VARIANTS) {
      const objects = render(variant.dir);
      const out = plane.kubectl(['apply', '--dry-run=server', '-f', '-'], asList(objects));
      const admitted = out.split('\n').filter((line) => /(created|configured|unchanged) \(server dry run\)$/.test(line));
      expect({ variant: variant.name, admitted: admitted.length }).toEqual({ variant: variant.name, admitted: objects.length });
    }
  });

  it('when two API replicas export the same backlog, then the prometheus-adapter rule of the base HPA returns it once', async () => {
    const objects = render('k8s/base');
    const hpa = find<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler', NAMES.workerHpa);
    const query = adapterQuery(readYaml('k8s/monitoring/prometheus-adapter-values.yaml'), hpa);
    const fleet = new OgsFleet({ objects, namespace: NAMESPACE, portfolios: 100, chunkSize: 10, upstreamMs: 0 });
    try {
      await fleet.start(2);
      plane.setScrapeTargets('adapter', fleet.apis.map((a, i) => ({ address: `127.0.0.1:${a.port}`, namespace: NAMESPACE, pod: `api-${i}` })));
      await fleet.submit(); // no workers: all 10 chunks stay waiting
      const series = 'ogs_queue_jobs{namespace="globeco",queue="rebalance",state=~"waiting|prioritized"}';
      await waitFor(async () => (await plane.query(`sum(${series})`))[0]?.value === 20, 30_000, 'both API replicas not scraped with the backlog');
      const result = await plane.query(query);
      figures.push(`adapter rule: ${query} -> ${JSON.stringify(result.map((r) => r.value))} (a plain sum over both replicas: 20)`);
      expect(result.map((r) => r.value)).toEqual([10]);
    } finally {
      plane.setScrapeTargets('adapter', []);
      await fleet.close();
    }
    // Removed targets go stale at once; the next test must see only its own series.
    await waitFor(async () => (await plane.query('ogs_queue_jobs{namespace="globeco"}')).length === 0, 30_000, 'adapter-check series still present');
  }, 120_000);

  describe('production-keda, applied for real', () => {
    let fleet: OgsFleet;
    let kubelet: WorkerKubelet;
    let o: ReturnType<typeof overlayScaling>;
    let models: string[];

    beforeAll(async () => {
      const objects = render('k8s/overlays/production-keda');
      o = overlayScaling(objects);
      fleet = new OgsFleet({ objects, namespace: NAMESPACE, portfolios: CHUNKS * CHUNK_SIZE, chunkSize: CHUNK_SIZE, upstreamMs: UPSTREAM_MS });
      models = await fleet.start(2, [CHUNKS * CHUNK_SIZE, DRAIN_CHUNKS * CHUNK_SIZE]);
      plane.setScrapeTargets('keda', fleet.apis.map((a, i) => ({ address: `127.0.0.1:${a.port}`, namespace: NAMESPACE, pod: `api-${i}` })));
      await waitFor(async () => (await plane.query(o.backlogQuery))[0]?.value === 0, 30_000, 'backlog series not scraped');
      // The Secrets the guide creates once per namespace: KEDA resolves the worker's env (for
      // trigger auth) and creates no HPA while a Secret it references is missing.
      const secrets = parseDocuments(readRepoFile('k8s/secrets/secrets.template.yaml')).map((x) => ({ ...x, metadata: { ...x.metadata, namespace: NAMESPACE } }));
      plane.kubectl(['apply', '-f', '-'], asList([...secrets, ...ciPatched(objects, plane.prometheusUrl)]));
      kubelet = new WorkerKubelet({ plane, namespace: NAMESPACE, deployment: NAMES.worker, hpa: NAMES.workerHpa, backlogQuery: o.backlogQuery, startWorker: () => fleet.startWorker() });
      kubelet.start();
    }, 180_000);

    afterAll(async () => {
      await kubelet?.stop().catch(() => undefined);
      await fleet?.close();
    }, 60_000);

    it('when a run\'s backlog calls for N workers, then KEDA\'s HPA scales the workers from the minimum to N and back as they drain it', async () => {
      const { min, n } = o;
      const steady = () => kubelet.last?.desired === min && kubelet.last.ready === min && kubelet.last.workers === min;
      await waitFor(async () => steady(), 90_000, () => `not at the minimum:\n${formatTimeline(kubelet.timeline)}\n${kubelet.startErrors.join('\n')}`);
      await sleep(3_000); // KEDA has served the metric to the HPA at least once
      const submitted = Date.now();
      const runId = await fleet.submit();
      const run = await fleet.waitForRun(runId, 240_000);
      const finished = Date.now();
      await waitFor(async () => steady(), 120_000, () => `did not return to ${min}:\n${formatTimeline(kubelet.timeline)}`);
      await kubelet.drained();
      const after = kubelet.timeline.filter((s) => s.t >= kubelet.at(submitted));
      const firstBacklog = after.find((s) => (s.backlog ?? 0) > 0);
      const firstUp = after.find((s) => s.replicas > min);
      const upAfter = firstUp && firstBacklog ? firstUp.t - firstBacklog.t : Infinity;
      const peak = Math.max(...after.map((s) => s.replicas));
      const backAtMin = after.find((s) => s.t > kubelet.at(finished) && s.replicas === min);
      figures.push(
        `KEDA run: ${CHUNKS} chunks of ${CHUNK_SIZE} portfolios, upstream ${UPSTREAM_MS} ms/answer, threshold ${o.threshold} per pod, ${o.concurrency} chunks per worker -> ${n} workers expected`,
        `scale-up began ${upAfter.toFixed(1)} s after the backlog appeared in Prometheus (patched pollingInterval ${CI_TIMINGS.pollingInterval} s, HPA sync 2 s)`,
        `peak ${peak} replicas; run took ${((finished - submitted) / 1000).toFixed(1)} s; back at ${min} ${backAtMin ? (backAtMin.t - kubelet.at(finished)).toFixed(1) : '?'} s after it finished (patched scale-down window ${CI_TIMINGS.scaleDownWindow} s, ${CI_TIMINGS.scaleDownPeriod} s policy period)`,
        `workers stopped on scale-down (exit code, ms to exit): ${kubelet.drains.map((d) => `${d.code}/${d.ms}`).join(', ')}`,
        `replica timeline (t from harness start; backlog = the ScaledObject's query):\n${formatTimeline(kubelet.timeline)}`,
      );
      expect(kubelet.startErrors).toEqual([]);
      expect(await fleet.violations(runId, run)).toEqual([]);
      expect(peak).toBe(n);
      expect(Math.max(...after.map((s) => s.workers))).toBe(n);
      expect(upAfter).toBeLessThanOrEqual(CI_TIMINGS.pollingInterval + 2 + 10);
      expect(kubelet.drains.filter((d) => d.code !== 0 || d.ms > o.grace * 1000)).toEqual([]);
    }, 420_000);

    it('when a worker gets SIGTERM while its chunks run, then it exits within terminationGracePeriodSeconds and no chunk is lost', async () => {
      const { min, concurrency, grace } = o;
      const workers = await kubelet.stop();
      expect(workers).toHaveLength(min);
      const runId = await fleet.submit(models[1]);
      const active = 'max(ogs_queue_jobs{namespace="globeco",queue="rebalance",state="active"})';
      await waitFor(async () => (await plane.query(active))[0]?.value === min * concurrency, 30_000, 'workers not all busy');
      const victim = workers[0] as Child;
      const sent = Date.now();
      victim.proc.kill('SIGTERM');
      const code = await victim.exited;
      const drainMs = Date.now() - sent;
      await fleet.startWorker(); // the ReplicaSet's replacement pod
      const run = await fleet.waitForRun(runId, 240_000);
      figures.push(`graceful drain: SIGTERM with ${concurrency} chunks in hand -> exit ${code} after ${(drainMs / 1000).toFixed(1)} s (grace ${grace} s); run ${run.status}`);
      expect(code).toBe(0);
      expect(drainMs).toBeLessThan(grace * 1000);
      expect(await fleet.violations(runId, run)).toEqual([]);
    }, 300_000);
  });
});

/** Objects as one JSON List for `kubectl apply -f -` (JSON: YAML 1.2 output could be read as 1.1 by kubectl, `yes` as a bool). */
function asList(objects: K8sObject[]): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });
}

/** What the overlay says about worker scaling, and the worker count the test's run calls for. */
function overlayScaling(objects: K8sObject[]) {
  const scaled = find<IScaledObject>(objects, 'ScaledObject', NAMES.worker);
  const trigger = scaled.spec.triggers[0];
  const threshold = Number(trigger?.metadata.threshold);
  const min = scaled.spec.minReplicaCount ?? 1;
  const concurrency = Number(find<{ data: Record<string, string> }>(objects, 'ConfigMap', NAMES.config).data.WORKER_CONCURRENCY);
  const grace = podSpecOf(objects, 'Deployment', NAMES.worker).terminationGracePeriodSeconds ?? 30;
  const n = expectedWorkers({ chunks: CHUNKS, min, max: scaled.spec.maxReplicaCount ?? 100, concurrency, threshold });
  return { backlogQuery: trigger?.metadata.query ?? '', threshold, min, concurrency, grace, n };
}
