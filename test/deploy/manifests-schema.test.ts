import { describe, expect, it } from '@jest/globals';
import { WORKER_NODE_FLAGS } from '../../src/worker/worker-settings.js';
import {
  CLUSTER_SCOPED,
  NAMES,
  VARIANTS,
  allContainers,
  find,
  parseDocuments,
  podOwners,
  readRepoFile,
  render,
  validateObject,
  type K8sObject,
} from './support/manifests.js';

const EXPECTED_OBJECTS = [
  `ServiceAccount/${NAMES.api}`,
  `ServiceAccount/${NAMES.worker}`,
  `Role/${NAMES.api}`,
  `RoleBinding/${NAMES.api}`,
  `ConfigMap/${NAMES.config}`,
  `Service/${NAMES.api}`,
  `Service/${NAMES.mongodb}`,
  `Service/${NAMES.redis}`,
  `Deployment/${NAMES.api}`,
  `Deployment/${NAMES.worker}`,
  `StatefulSet/${NAMES.mongodb}`,
  `StatefulSet/${NAMES.redis}`,
  `Job/${NAMES.mongodbInit}`,
  `HorizontalPodAutoscaler/${NAMES.apiHpa}`,
  `PodDisruptionBudget/${NAMES.api}-pdb`,
  `PodDisruptionBudget/${NAMES.worker}-pdb`,
  `PodDisruptionBudget/${NAMES.mongodb}-pdb`,
  `Ingress/${NAMES.api}`,
  `NetworkPolicy/${NAMES.api}-default-deny`,
  `NetworkPolicy/${NAMES.api}-allow-dns`,
];

const ids = (objects: K8sObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`);

describe.each(VARIANTS)('when kustomize renders $name', (variant) => {
  const objects = render(variant.dir);

  it('then every object is valid against its Kubernetes (or KEDA) schema', () => {
    const failures: string[] = [];
    for (const object of objects) {
      try {
        validateObject(object);
      } catch (error) {
        failures.push(`${object.kind}/${object.metadata.name}: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('then it contains the workloads, services, policies and autoscalers the seed guide lists', () => {
    expect(ids(objects)).toEqual(expect.arrayContaining(EXPECTED_OBJECTS));
    const workerScaler = variant.autoscaler === 'keda' ? `ScaledObject/${NAMES.worker}` : `HorizontalPodAutoscaler/${NAMES.workerHpa}`;
    expect(ids(objects)).toContain(workerScaler);
  });

  it('then the Deployments leave the replica count to their autoscalers, which keep the seed minimum of 3 API pods', () => {
    for (const name of [NAMES.api, NAMES.worker]) {
      expect({ name, replicas: find<{ spec: { replicas?: number } }>(objects, 'Deployment', name).spec.replicas }).toEqual({ name, replicas: undefined });
    }
    const minimum = find<{ spec: { minReplicas: number } }>(objects, 'HorizontalPodAutoscaler', NAMES.apiHpa).spec.minReplicas;
    expect(minimum).toBe(variant.name === 'staging' ? 2 : 3);
  });

  it('then no object is rendered twice', () => {
    const all = ids(objects);
    expect(new Set(all).size).toBe(all.length);
  });

  it(`then every namespaced object is in ${variant.namespace}, and no Namespace or Secret is shipped`, () => {
    const wrong = objects
      .filter((o) => !CLUSTER_SCOPED.has(o.kind) && o.metadata.namespace !== variant.namespace)
      .map((o) => `${o.kind}/${o.metadata.name}: ${o.metadata.namespace}`);
    expect(wrong).toEqual([]);
    // The namespace is shared with the other GlobeCo services, and secrets never live in git.
    expect(objects.filter((o) => o.kind === 'Namespace' || o.kind === 'Secret')).toEqual([]);
  });

  it('then the RoleBinding binds the service account of the same namespace', () => {
    const binding = find<{ subjects: { kind: string; name: string; namespace: string }[] }>(objects, 'RoleBinding', NAMES.api);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: NAMES.api, namespace: variant.namespace }]);
  });

  it('then the api and worker run the one service image by command, and data stores pin major versions', () => {
    const images = new Map<string, string>();
    for (const pod of podOwners(objects)) {
      for (const c of allContainers(pod.spec)) images.set(`${pod.owner}:${c.name}`, c.image ?? '');
    }
    expect(images.get(`Deployment/${NAMES.api}:${NAMES.apiContainer}`)).toMatch(new RegExp(`^${NAMES.image}:[\\w.-]+$`));
    expect(images.get(`Deployment/${NAMES.worker}:${NAMES.workerContainer}`)).toBe(images.get(`Deployment/${NAMES.api}:${NAMES.apiContainer}`));
    expect(images.get(`StatefulSet/${NAMES.mongodb}:mongodb`)).toBe('mongo:7.0');
    expect(images.get(`StatefulSet/${NAMES.redis}:redis`)).toBe('redis:7.2');
    for (const [where, image] of images) expect({ where, image }).toEqual({ where, image: expect.stringMatching(/:[\w.-]+$/) });
    const api = allContainers(find<{ spec: { template: { spec: never } } }>(objects, 'Deployment', NAMES.api).spec.template.spec)[0];
    const worker = allContainers(find<{ spec: { template: { spec: never } } }>(objects, 'Deployment', NAMES.worker).spec.template.spec)[0];
    expect(api?.command).toEqual(['node', 'dist/api/main.js']);
    expect(worker?.command).toEqual(['node', ...WORKER_NODE_FLAGS, 'dist/worker/main.js']);
  });

  it('then every object and pod carries the part-of label the network policies select on', () => {
    const unlabeled = objects
      .filter((o) => o.metadata.labels?.['app.kubernetes.io/part-of'] !== NAMES.api)
      .map((o) => `${o.kind}/${o.metadata.name}`);
    expect(unlabeled).toEqual([]);
    for (const pod of podOwners(objects)) expect({ pod: pod.owner, partOf: pod.labels['app.kubernetes.io/part-of'] }).toEqual({ pod: pod.owner, partOf: NAMES.api });
  });
});

describe('when the seed guide names are checked in production', () => {
  const objects = render('k8s/overlays/production');

  it('then the api Deployment, its container and its Service use the seed names and app label', () => {
    const api = find<{ spec: { selector: { matchLabels: Record<string, string> } } }>(objects, 'Deployment', NAMES.api);
    expect(api.spec.selector.matchLabels).toEqual({ app: NAMES.api });
    const service = find<{ spec: { selector: Record<string, string>; type: string; ports: { port: number }[] } }>(objects, 'Service', NAMES.api);
    expect(service.spec).toMatchObject({ type: 'ClusterIP', selector: { app: NAMES.api }, ports: [{ port: 8080 }] });
  });

  it('then MongoDB is a StatefulSet behind a headless Service on 27017 with persistent claims', () => {
    const service = find<{ spec: { clusterIP: string; ports: { port: number }[] } }>(objects, 'Service', NAMES.mongodb);
    expect(service.spec.clusterIP).toBe('None');
    expect(service.spec.ports[0]?.port).toBe(27017);
    const sts = find<{ spec: { serviceName: string; volumeClaimTemplates: { spec: { storageClassName: string } }[] } }>(objects, 'StatefulSet', NAMES.mongodb);
    expect(sts.spec.serviceName).toBe(NAMES.mongodb);
    expect(sts.spec.volumeClaimTemplates[0]?.spec.storageClassName).toBe('fast-ssd');
  });

  it('then the seed production resources apply to the api and the worker', () => {
    for (const [name, container] of [
      [NAMES.api, NAMES.apiContainer],
      [NAMES.worker, NAMES.workerContainer],
    ] as const) {
      const d = find<{ spec: { template: { spec: { containers: { name: string; resources: unknown }[] } } } }>(objects, 'Deployment', name);
      expect(d.spec.template.spec.containers.find((c) => c.name === container)?.resources).toEqual({
        requests: { cpu: '1000m', memory: '2Gi' },
        limits: { cpu: '4000m', memory: '8Gi' },
      });
    }
  });

  it('then the Ingress is NGINX with TLS, rate limits and routes for the API, docs and dashboard only', () => {
    const ingress = find<{
      metadata: { annotations: Record<string, string> };
      spec: { ingressClassName: string; tls: { secretName: string }[]; rules: { http: { paths: { path: string }[] } }[] };
    }>(objects, 'Ingress', NAMES.api);
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.tls[0]?.secretName).toBeTruthy();
    expect(ingress.metadata.annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/limit-rps': expect.any(String),
      'nginx.ingress.kubernetes.io/limit-connections': expect.any(String),
    });
    const paths = ingress.spec.rules[0]?.http.paths.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['/api', '/dashboard', '/docs', '/admin/queues']));
    expect(paths).not.toContain('/metrics');
    expect(paths).not.toContain('/');
  });
});

describe('when an object breaks its schema', () => {
  const objects = render('k8s/overlays/production-keda');
  // Deliberately untyped: the point is to build objects the types would not allow.
  type Loose = { spec: { replicas?: unknown; selector?: unknown; metrics: { resource: { target: { type: unknown } } }[]; scaleTargetRef?: unknown } };

  it.each([
    ['Deployment', NAMES.api, (o: Loose) => void (o.spec.replicas = 'three')],
    ['StatefulSet', NAMES.mongodb, (o: Loose) => void delete o.spec.selector],
    ['HorizontalPodAutoscaler', NAMES.apiHpa, (o: Loose) => void ((o.spec.metrics[0] ?? { resource: { target: { type: 0 } } }).resource.target.type = 42)],
    ['ScaledObject', NAMES.worker, (o: Loose) => void delete o.spec.scaleTargetRef],
  ])('then validating a broken %s/%s throws', (kind, name, breakIt) => {
    const broken = structuredClone(find<K8sObject>(objects, kind, name));
    validateObject(broken);
    breakIt(broken as unknown as Loose);
    expect(() => validateObject(broken)).toThrow();
  });
});

describe('when docs/DEPLOYMENT.md names objects in its commands', () => {
  const objects = render('k8s/overlays/production');
  const secrets = parseDocuments(readRepoFile('k8s/secrets/secrets.template.yaml'));
  const statefulSets = objects.filter((o) => o.kind === 'StatefulSet').map((o) => o.metadata.name);
  const known = new Set([
    ...objects.map((o) => o.metadata.name),
    ...secrets.map((o) => o.metadata.name),
    `${NAMES.api}-tls`,
    ...statefulSets.flatMap((sts) => [0, 1, 2].map((i) => `${sts}-${i}`)),
    ...statefulSets.map((sts) => `${sts}-`), // data-<sts>-* claims
  ]);

  it('then every globeco-order-generation-* name in it is a rendered object, pod, claim or Secret', () => {
    const mentioned = new Set(readRepoFile('docs/DEPLOYMENT.md').match(/globeco-order-generation-[a-z0-9-]+/g) ?? []);
    expect(mentioned.size).toBeGreaterThan(10);
    expect([...mentioned].filter((name) => !known.has(name))).toEqual([]);
  });
});
