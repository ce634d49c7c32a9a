import { describe, expect, it } from '@jest/globals';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import { configKeys, loadConfig } from '../../src/config/config.js';
import { HEALTH_PATHS, METRICS_PATH } from '../../src/api/health/paths.js';
import {
  NAMES,
  VARIANTS,
  allContainers,
  containerOf,
  find,
  parseDocuments,
  podOwners,
  podSpecOf,
  readRepoFile,
  render,
  validateObject,
  type K8sObject,
} from './support/manifests.js';

/** ConfigMap keys the seed guide spells in kebab-case, and the variable each one feeds. */
const CONFIGMAP_ALIASES: Record<string, string> = {
  'database-name': 'DATABASE_NAME',
  'optimization-timeout': 'OPTIMIZATION_TIMEOUT',
};

const keys = new Set<string>(configKeys);
const appContainers = [
  ['Deployment', NAMES.api, NAMES.apiContainer],
  ['Deployment', NAMES.worker, NAMES.workerContainer],
] as const;

const secretTemplates = parseDocuments(readRepoFile('k8s/secrets/secrets.template.yaml'));

function configData(objects: K8sObject[]): Record<string, string> {
  return find<{ data: Record<string, string> }>(objects, 'ConfigMap', NAMES.config).data;
}

function templateData(name: string): Record<string, string> {
  return find<{ stringData: Record<string, string> }>(secretTemplates, 'Secret', name).stringData;
}

/** The environment the kubelet would give a container, resolved from the rendered ConfigMap and the Secret template. */
function resolvedEnv(container: IContainer, objects: K8sObject[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    const from = e.valueFrom;
    if (e.value !== undefined) env[e.name] = e.value;
    else if (from?.configMapKeyRef) env[e.name] = configData(objects)[from.configMapKeyRef.key] ?? '';
    else if (from?.secretKeyRef) env[e.name] = templateData(from.secretKeyRef.name ?? '')[from.secretKeyRef.key] ?? '';
    else if (from?.fieldRef) env[e.name] = 'from-downward-api';
  }
  return env;
}

function portNumber(container: IContainer, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

function probePath(probe: IProbe | undefined): string | undefined {
  return probe?.httpGet?.path;
}

describe.each(VARIANTS)('when the $name manifests are checked against src/config/config.ts', (variant) => {
  const objects = render(variant.dir);

  it.each(appContainers)('then every env var of %s/%s is a key of envSchema', (kind, name, container) => {
    const names = (containerOf(objects, kind, name, container).env ?? []).map((e) => e.name);
    expect(names.filter((n) => !keys.has(n))).toEqual([]);
    expect(names.length).toBeGreaterThan(10);
  });

  it.each(appContainers)('then every ConfigMap key %s/%s reads exists and feeds the variable of the same name (or its seed alias)', (kind, name, container) => {
    const data = configData(objects);
    for (const e of containerOf(objects, kind, name, container).env ?? []) {
      const ref = e.valueFrom?.configMapKeyRef;
      if (!ref) continue;
      expect({ env: e.name, configMap: ref.name, present: ref.key in data }).toEqual({ env: e.name, configMap: NAMES.config, present: true });
      expect(CONFIGMAP_ALIASES[ref.key] ?? ref.key).toBe(e.name);
    }
  });

  it.each(appContainers)('then every Secret key %s/%s reads is a config key and is in the secret template', (kind, name, container) => {
    const refs = (containerOf(objects, kind, name, container).env ?? []).flatMap((e) => (e.valueFrom?.secretKeyRef ? [{ env: e.name, ...e.valueFrom.secretKeyRef }] : []));
    expect(refs.map((r) => r.env).sort()).toEqual(expect.arrayContaining(['MONGODB_URL', 'REDIS_URL']));
    for (const ref of refs) {
      expect(ref).toMatchObject({ name: NAMES.appSecret, key: ref.env });
      expect(keys.has(ref.key)).toBe(true);
      expect(Object.keys(templateData(NAMES.appSecret))).toContain(ref.key);
    }
  });

  it('then every ConfigMap key is a config key or a documented seed alias', () => {
    const unknown = Object.keys(configData(objects)).filter((k) => !keys.has(k) && !(k in CONFIGMAP_ALIASES));
    expect(unknown).toEqual([]);
  });

  it.each(appContainers)('then the environment %s/%s would get parses with loadConfig()', (kind, name, container) => {
    const config = loadConfig(resolvedEnv(containerOf(objects, kind, name, container), objects));
    expect(config.NODE_ENV).toBe('production');
    expect(config.DATABASE_NAME).toBe(configData(objects)['database-name']);
  });

  it('then every secretKeyRef of every pod names a key of a Secret in the template', () => {
    const missing: string[] = [];
    for (const pod of podOwners(objects)) {
      for (const c of allContainers(pod.spec)) {
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (ref && !(ref.key in templateData(ref.name ?? ''))) missing.push(`${pod.owner}:${c.name} ${ref.name}/${ref.key}`);
        }
      }
      for (const v of pod.spec.volumes ?? []) {
        for (const item of v.secret?.items ?? []) {
          if (!(item.key in templateData(v.secret?.secretName ?? ''))) missing.push(`${pod.owner} volume ${v.name} ${item.key}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('then the api listens, is probed and scraped on PORT (8080) with the shared probe and metrics paths', () => {
    const defaults = loadConfig({});
    const api = containerOf(objects, 'Deployment', NAMES.api, NAMES.apiContainer);
    expect(defaults.PORT).toBe(8080);
    expect(api.ports?.map((p) => p.containerPort)).toEqual([defaults.PORT]);
    expect(api.env?.find((e) => e.name === 'PORT')?.value).toBe(String(defaults.PORT));
    expectProbes(api, defaults.PORT);
    const pod = podOwners(objects).find((p) => p.owner === `Deployment/${NAMES.api}`);
    expect(pod?.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(defaults.PORT), 'prometheus.io/path': METRICS_PATH });
  });

  it('then the worker is probed and scraped on WORKER_HTTP_PORT (9464), with no Service pointing at it', () => {
    const defaults = loadConfig({});
    const worker = containerOf(objects, 'Deployment', NAMES.worker, NAMES.workerContainer);
    expect(defaults.WORKER_HTTP_PORT).toBe(9464);
    expect(worker.ports?.map((p) => p.containerPort)).toEqual([defaults.WORKER_HTTP_PORT]);
    expect(worker.env?.find((e) => e.name === 'WORKER_HTTP_PORT')?.value).toBe(String(defaults.WORKER_HTTP_PORT));
    expectProbes(worker, defaults.WORKER_HTTP_PORT);
    const pod = podOwners(objects).find((p) => p.owner === `Deployment/${NAMES.worker}`);
    expect(pod?.annotations).toMatchObject({ 'prometheus.io/port': String(defaults.WORKER_HTTP_PORT), 'prometheus.io/path': METRICS_PATH });
    const services = objects.filter((o) => o.kind === 'Service') as unknown as { spec: { selector?: Record<string, string> } }[];
    expect(services.filter((s) => s.spec.selector?.app === NAMES.worker)).toEqual([]);
  });

  it('then the worker grace period outlasts the solve deadline (optimization-timeout) with room to write', () => {
    const timeout = loadConfig(resolvedEnv(containerOf(objects, 'Deployment', NAMES.worker, NAMES.workerContainer), objects)).OPTIMIZATION_TIMEOUT;
    const grace = podSpecOf(objects, 'Deployment', NAMES.worker).terminationGracePeriodSeconds ?? 30;
    expect(timeout).toBe(30);
    expect(grace).toBeGreaterThan(timeout + 15);
  });

  it('then the fleet names the API reads are the rendered worker Deployment and HPA, and its Role may get them', () => {
    const data = configData(objects);
    expect(data.WORKER_DEPLOYMENT_NAME).toBe(NAMES.worker);
    expect(data.WORKER_HPA_NAME).toBe(NAMES.workerHpa);
    find(objects, 'Deployment', NAMES.worker);
    const hpaNames = objects.flatMap((o) => {
      if (o.kind === 'HorizontalPodAutoscaler') return [o.metadata.name];
      const keda = (o as { spec?: { advanced?: { horizontalPodAutoscalerConfig?: { name?: string } } } }).spec?.advanced;
      return o.kind === 'ScaledObject' && keda?.horizontalPodAutoscalerConfig?.name ? [keda.horizontalPodAutoscalerConfig.name] : [];
    });
    expect(hpaNames).toContain(NAMES.workerHpa);
    const role = find<{ rules: { resources: string[]; resourceNames?: string[] }[] }>(objects, 'Role', NAMES.api);
    const namesFor = (resource: string) => role.rules.filter((r) => r.resources.includes(resource)).flatMap((r) => r.resourceNames ?? []);
    expect(namesFor('deployments')).toContain(data.WORKER_DEPLOYMENT_NAME);
    expect(namesFor('horizontalpodautoscalers')).toContain(data.WORKER_HPA_NAME);
  });

  it('then the MongoDB init Job is told as many members as the StatefulSet runs', () => {
    const replicas = find<{ spec: { replicas: number } }>(objects, 'StatefulSet', NAMES.mongodb).spec.replicas;
    const env = containerOf(objects, 'Job', NAMES.mongodbInit, 'mongodb-init').env ?? [];
    expect(env.find((e) => e.name === 'MONGODB_REPLICAS')?.value).toBe(String(replicas));
    expect(replicas).toBe(variant.mongodbReplicas);
  });
});

function expectProbes(container: IContainer, port: number): void {
  expect(probePath(container.livenessProbe)).toBe(HEALTH_PATHS.live);
  expect(probePath(container.startupProbe)).toBe(HEALTH_PATHS.live);
  expect(probePath(container.readinessProbe)).toBe(HEALTH_PATHS.ready);
  for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
    expect(Object.values(HEALTH_PATHS)).toContain(probePath(probe));
    expect(portNumber(container, probe?.httpGet?.port)).toBe(port);
  }
}

describe('when the api probes are compared with the seed guide', () => {
  const api = containerOf(render('k8s/overlays/production'), 'Deployment', NAMES.api, NAMES.apiContainer);

  it('then liveness, readiness and startup keep the seed timings', () => {
    expect(api.livenessProbe).toMatchObject({ initialDelaySeconds: 30, periodSeconds: 30 });
    expect(api.readinessProbe).toMatchObject({ initialDelaySeconds: 15, periodSeconds: 10 });
    expect(api.startupProbe).toMatchObject({ initialDelaySeconds: 10, failureThreshold: 12 });
  });
});

describe('when the secret template is checked', () => {
  it('then it is schema-valid and holds placeholders, never real credentials', () => {
    expect(secretTemplates.map((s) => s.metadata.name).sort()).toEqual([NAMES.appSecret, NAMES.mongodb, NAMES.redis].sort());
    for (const secret of secretTemplates) {
      validateObject(secret);
      const data = (secret as unknown as { stringData: Record<string, string> }).stringData;
      for (const [key, value] of Object.entries(data)) {
        if (key.endsWith('-username')) continue;
        expect({ key, value }).toEqual({ key, value: expect.stringContaining('REPLACE_ME') });
      }
    }
  });

  it('then the connection strings use the same credentials the data stores are given', () => {
    const app = templateData(NAMES.appSecret);
    const mongo = templateData(NAMES.mongodb);
    const redis = templateData(NAMES.redis);
    // A seed list of several hosts is not a WHATWG URL; split it by hand.
    const [, user, password, hosts, query] = /^mongodb:\/\/([^:]+):([^@]+)@([^/]+)\/\?(.*)$/.exec(app.MONGODB_URL ?? '') ?? [];
    expect([user, password]).toEqual([mongo['mongodb-app-username'], mongo['mongodb-app-password']]);
    expect(hosts?.split(',')).toEqual([0, 1, 2].map((i) => `${NAMES.mongodb}-${i}.${NAMES.mongodb}:27017`));
    expect(new URLSearchParams(query).get('replicaSet')).toBe('rs0');
    expect(new URL(app.REDIS_URL ?? '').password).toBe(redis['redis-password']);
  });

  it('then the connection strings in it parse with loadConfig()', () => {
    const data = templateData(NAMES.appSecret);
    const config = loadConfig({ MONGODB_URL: data.MONGODB_URL, REDIS_URL: data.REDIS_URL, API_KEYS: data.API_KEYS });
    expect(config.MONGODB_URL).toContain(`${NAMES.mongodb}-0.${NAMES.mongodb}:27017`);
    expect(config.REDIS_URL).toContain(`${NAMES.redis}:6379`);
    expect(config.API_KEYS).toHaveLength(1);
  });
});
