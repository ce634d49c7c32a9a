import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';

export const repoRoot = join(import.meta.dirname, '..', '..', '..');

/** A rendered Kubernetes object; narrow with {@link find} or a cast after checking `kind`. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: IObjectMeta & { name: string };
  [field: string]: unknown;
}

/** Every kustomization a cluster can be given, with the namespace and autoscaler it must produce. */
export const VARIANTS = [
  { name: 'base', dir: 'k8s/base', namespace: 'globeco', autoscaler: 'adapter', mongodbReplicas: 1 },
  { name: 'staging', dir: 'k8s/overlays/staging', namespace: 'globeco-staging', autoscaler: 'adapter', mongodbReplicas: 1 },
  { name: 'production', dir: 'k8s/overlays/production', namespace: 'globeco', autoscaler: 'adapter', mongodbReplicas: 3 },
  { name: 'production-keda', dir: 'k8s/overlays/production-keda', namespace: 'globeco', autoscaler: 'keda', mongodbReplicas: 3 },
  { name: 'k8s (seed: kubectl apply -k .)', dir: 'k8s', namespace: 'globeco', autoscaler: 'adapter', mongodbReplicas: 3 },
] as const;

export type Variant = (typeof VARIANTS)[number];

export const NAMES = {
  api: 'globeco-order-generation-service',
  apiContainer: 'order-generation-service',
  worker: 'globeco-order-generation-worker',
  workerContainer: 'order-generation-worker',
  mongodb: 'globeco-order-generation-service-mongodb',
  mongodbInit: 'globeco-order-generation-service-mongodb-init',
  redis: 'globeco-order-generation-service-redis',
  config: 'globeco-order-generation-service-config',
  appSecret: 'globeco-order-generation-service-secrets',
  apiHpa: 'globeco-order-generation-service-hpa',
  workerHpa: 'globeco-order-generation-worker-hpa',
  image: 'kasbench/globeco-order-generation-service',
} as const;

type ModelClass = new (data: never) => { validate(): void };

/** The schema class for each apiVersion/kind the manifests may contain. */
const MODELS: Record<string, ModelClass> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'batch/v1/Job': Job,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};

/** Constructs the object with its kubernetes-models class and validates it; throws on schema errors. */
export function validateObject(object: K8sObject): void {
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) throw new Error(`no schema registered for ${object.apiVersion} ${object.kind}`);
  new Model(object as never).validate();
}

export function parseDocuments(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('; '));
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

const rendered = new Map<string, K8sObject[]>();

/** `kubectl kustomize <dir>` (relative to the repository), parsed; memoised per test file. */
export function render(dir: string): K8sObject[] {
  let objects = rendered.get(dir);
  if (!objects) {
    let text: string;
    try {
      text = execFileSync('kubectl', ['kustomize', join(repoRoot, dir)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const e = error as { code?: string; stderr?: string };
      if (e.code === 'ENOENT') throw new Error('kubectl not found on PATH: the deploy tests render the manifests with `kubectl kustomize` (kubectl >= 1.25)');
      throw new Error(`kubectl kustomize ${dir} failed: ${e.stderr ?? String(error)}`);
    }
    objects = parseDocuments(text);
    rendered.set(dir, objects);
  }
  return objects;
}

export function readRepoFile(path: string): string {
  return readFileSync(join(repoRoot, path), 'utf8');
}

export function readYaml<T>(path: string): T {
  return parse(readRepoFile(path), { merge: true }) as T;
}

export function find<T = K8sObject>(objects: K8sObject[], kind: string, name: string): T {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} not rendered`);
  return found as T;
}

export function ofKind<T = K8sObject>(objects: K8sObject[], kind: string): T[] {
  return objects.filter((o) => o.kind === kind) as T[];
}

/** A pod template and where it came from (Deployment, StatefulSet or Job). */
export interface PodOwner {
  owner: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: IPodSpec;
}

interface WithPodTemplate {
  spec: { template: { metadata?: IObjectMeta; spec: IPodSpec } };
}

export function podOwners(objects: K8sObject[]): PodOwner[] {
  return objects
    .filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind))
    .map((o) => {
      const template = (o as unknown as WithPodTemplate).spec.template;
      return {
        owner: `${o.kind}/${o.metadata.name}`,
        labels: template.metadata?.labels ?? {},
        annotations: template.metadata?.annotations ?? {},
        spec: template.spec,
      };
    });
}

export function allContainers(spec: IPodSpec): IContainer[] {
  return [...(spec.initContainers ?? []), ...spec.containers];
}

export function podSpecOf(objects: K8sObject[], kind: string, name: string): IPodSpec {
  return find<WithPodTemplate>(objects, kind, name).spec.template.spec;
}

export function containerOf(objects: K8sObject[], kind: string, name: string, container: string): IContainer {
  const found = allContainers(podSpecOf(objects, kind, name)).find((c) => c.name === container);
  if (!found) throw new Error(`${kind}/${name} has no container ${container}`);
  return found;
}

/** Cluster-scoped kinds never carry a namespace; everything else this service ships must. */
export const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'APIService']);
