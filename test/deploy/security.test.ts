import { describe, expect, it } from '@jest/globals';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { NAMES, VARIANTS, allContainers, find, ofKind, podOwners, render, type PodOwner } from './support/manifests.js';
import { allowed, type Endpoint } from './support/network-policy.js';

const UID = 1000;

function containersOf(pods: PodOwner[]) {
  return pods.flatMap((pod) => allContainers(pod.spec).map((c) => ({ where: `${pod.owner}:${c.name}`, container: c, pod })));
}

describe.each(VARIANTS)('when the $name pods are checked for least privilege', (variant) => {
  const objects = render(variant.dir);
  const pods = podOwners(objects);

  it('then every pod runs as non-root uid 1000 with the RuntimeDefault seccomp profile and no host namespaces', () => {
    expect(pods.length).toBe(5);
    for (const pod of pods) {
      const s = pod.spec;
      expect({ pod: pod.owner, ...s.securityContext }).toMatchObject({ pod: pod.owner, runAsNonRoot: true, runAsUser: UID, seccompProfile: { type: 'RuntimeDefault' } });
      expect({ pod: pod.owner, hostNetwork: s.hostNetwork, hostPID: s.hostPID, hostIPC: s.hostIPC }).toEqual({ pod: pod.owner, hostNetwork: undefined, hostPID: undefined, hostIPC: undefined });
      expect((s.volumes ?? []).filter((v) => v.hostPath)).toEqual([]);
    }
  });

  it('then every container, init containers included, is non-root, read-only, unprivileged and drops ALL capabilities', () => {
    const all = containersOf(pods);
    expect(all.length).toBe(6);
    for (const { where, container } of all) {
      expect({ where, ...container.securityContext }).toMatchObject({
        where,
        runAsNonRoot: true,
        runAsUser: UID,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(container.securityContext?.capabilities?.add).toBeUndefined();
    }
  });

  it('then every container has CPU and memory requests and limits', () => {
    for (const { where, container } of containersOf(pods)) {
      const r = container.resources;
      expect({ where, cpu: r?.requests?.cpu, memory: r?.requests?.memory, cpuLimit: r?.limits?.cpu, memoryLimit: r?.limits?.memory }).toEqual({
        where,
        cpu: expect.anything(),
        memory: expect.anything(),
        cpuLimit: expect.anything(),
        memoryLimit: expect.anything(),
      });
    }
  });

  it('then the api and worker get a writable /tmp from an emptyDir on their read-only root', () => {
    for (const name of [NAMES.api, NAMES.worker]) {
      const pod = pods.find((p) => p.owner === `Deployment/${name}`);
      const tmp = pod?.spec.containers[0]?.volumeMounts?.find((m) => m.mountPath === '/tmp');
      expect(pod?.spec.volumes?.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
    }
  });

  it('then only the api pod mounts a service account token', () => {
    const withToken = pods.filter((p) => p.spec.automountServiceAccountToken !== false).map((p) => p.owner);
    expect(withToken).toEqual([`Deployment/${NAMES.api}`]);
    expect(pods.find((p) => p.owner === `Deployment/${NAMES.api}`)?.spec.serviceAccountName).toBe(NAMES.api);
  });

  it('then the Role only gets, never lists, watches or writes, and names the ConfigMap, Secret, Deployments and HPAs', () => {
    const role = find<IRole>(objects, 'Role', NAMES.api);
    const rules = role.rules ?? [];
    expect(new Set(rules.flatMap((r) => r.verbs))).toEqual(new Set(['get']));
    expect(rules.flatMap((r) => [...(r.resources ?? []), ...(r.apiGroups ?? [])])).not.toContain('*');
    const byResource = Object.fromEntries(rules.flatMap((r) => (r.resources ?? []).map((res) => [res, r.resourceNames ?? null])));
    expect(byResource).toEqual({
      configmaps: [NAMES.config],
      secrets: [NAMES.appSecret],
      pods: null,
      deployments: [NAMES.api, NAMES.worker],
      horizontalpodautoscalers: [NAMES.apiHpa, NAMES.workerHpa],
    });
    expect(ofKind(objects, 'ClusterRole')).toEqual([]);
  });
});

describe.each(VARIANTS)('when traffic is evaluated against the $name NetworkPolicies', (variant) => {
  const objects = render(variant.dir);
  const policies = ofKind<INetworkPolicy>(objects, 'NetworkPolicy');
  const ns = variant.namespace;
  const pod = (app: string): Endpoint => ({ namespace: ns, labels: { app, 'app.kubernetes.io/part-of': NAMES.api } });
  const api = pod(NAMES.api);
  const worker = pod(NAMES.worker);
  const mongodb = pod(NAMES.mongodb);
  const redis = pod(NAMES.redis);
  const init = pod(NAMES.mongodbInit);
  const prometheus: Endpoint = { namespace: 'monitoring', labels: { app: 'prometheus' } };
  const nginx: Endpoint = { namespace: 'ingress-nginx', labels: { app: 'ingress-nginx' } };
  const dns: Endpoint = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
  const portal: Endpoint = { namespace: ns, labels: { app: 'globeco-portfolio-management-portal' } };
  const stranger: Endpoint = { namespace: 'elsewhere', labels: { app: 'curious' } };
  const upstream = (app: string): Endpoint => ({ namespace: ns, labels: { app } });

  it('then every pod of this service is under the default deny', () => {
    const deny = policies.find((p) => p.metadata?.name === `${NAMES.api}-default-deny`);
    expect(deny?.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(deny?.spec?.ingress ?? []).toEqual([]);
    for (const owner of podOwners(objects)) {
      expect({ owner: owner.owner, selected: Object.entries(deny?.spec?.podSelector?.matchLabels ?? {}).every(([k, v]) => owner.labels[k] === v) }).toEqual({ owner: owner.owner, selected: true });
    }
  });

  it('then the api and worker reach Redis and MongoDB, and the init Job reaches MongoDB', () => {
    for (const from of [api, worker]) {
      expect(allowed(policies, { from, to: redis, port: 6379 })).toBe(true);
      expect(allowed(policies, { from, to: mongodb, port: 27017 })).toBe(true);
    }
    expect(allowed(policies, { from: init, to: mongodb, port: 27017 })).toBe(true);
    expect(allowed(policies, { from: mongodb, to: mongodb, port: 27017 })).toBe(true);
  });

  it('then the worker (market data) and the api (its health report) reach the upstream GlobeCo services, on their ports', () => {
    // Taken from the URLs in the ConfigMap: host = the service's app label, port = its port.
    const data = find<{ data: Record<string, string> }>(objects, 'ConfigMap', NAMES.config).data;
    const upstreams = ['PORTFOLIO_ACCOUNTING_SERVICE_URL', 'SECURITY_SERVICE_URL', 'PRICING_SERVICE_URL'].map((key) => {
      const url = new URL(data[key] ?? '');
      return [url.hostname, Number(url.port)] as const;
    });
    expect(upstreams.map(([app]) => app)).toEqual(['globeco-portfolio-accounting-service', 'globeco-security-service', 'globeco-pricing-service']);
    for (const [app, port] of upstreams) {
      expect(allowed(policies, { from: worker, to: upstream(app), port })).toBe(true);
      expect(allowed(policies, { from: api, to: upstream(app), port })).toBe(true);
      expect(allowed(policies, { from: redis, to: upstream(app), port })).toBe(false);
      expect(allowed(policies, { from: mongodb, to: upstream(app), port })).toBe(false);
    }
  });

  it('then Prometheus scrapes the api on 8080 and the workers on 9464', () => {
    expect(allowed(policies, { from: prometheus, to: api, port: 8080 })).toBe(true);
    expect(allowed(policies, { from: prometheus, to: worker, port: 9464 })).toBe(true);
  });

  it('then only the Ingress controller (and Prometheus) reach the api, so nobody else can write the X-Forwarded-For it trusts; nobody reaches the worker', () => {
    expect(allowed(policies, { from: nginx, to: api, port: 8080 })).toBe(true);
    expect(allowed(policies, { from: portal, to: api, port: 8080 })).toBe(false);
    expect(allowed(policies, { from: worker, to: api, port: 8080 })).toBe(false);
    expect(allowed(policies, { from: nginx, to: worker, port: 9464 })).toBe(false);
    expect(allowed(policies, { from: portal, to: worker, port: 9464 })).toBe(false);
  });

  it('then the data stores refuse everyone else', () => {
    for (const from of [portal, stranger, nginx, prometheus, init]) expect(allowed(policies, { from, to: redis, port: 6379 })).toBe(false);
    for (const from of [portal, stranger, nginx, prometheus, redis]) expect(allowed(policies, { from, to: mongodb, port: 27017 })).toBe(false);
    expect(allowed(policies, { from: stranger, to: api, port: 8080 })).toBe(false);
    expect(allowed(policies, { from: redis, to: stranger, port: 443 })).toBe(false);
  });

  it('then every pod resolves names through cluster DNS', () => {
    for (const from of [api, worker, mongodb, redis, init]) {
      expect(allowed(policies, { from, to: dns, port: 53, protocol: 'UDP' })).toBe(true);
      expect(allowed(policies, { from, to: dns, port: 53, protocol: 'TCP' })).toBe(true);
    }
  });
});
