import type { IContainer } from 'kubernetes-models/v1/Container';
import { launch as launchChild, type Child } from '../../chaos/support/cluster.js';
import { find, podSpecOf, type K8sObject } from '../../deploy/support/manifests.js';

export type { Child };

/** What a pod gets from outside its manifests: the namespace it runs in and the Secret's keys. */
export interface PodContext {
  namespace: string;
  secrets: Record<string, string>;
}

function firstContainer(objects: K8sObject[], deployment: string): IContainer {
  const container = podSpecOf(objects, 'Deployment', deployment).containers[0];
  if (!container) throw new Error(`Deployment ${deployment} has no container`);
  return container;
}

/**
 * The environment the kubelet would give the Deployment's first container: literal values,
 * ConfigMap keys from the rendered ConfigMap, Secret keys from `context.secrets` (an optional
 * key may be absent), and
 * `metadata.namespace`. Anything else is an error, so a new kind of reference is noticed.
 */
export function containerEnv(objects: K8sObject[], deployment: string, context: PodContext): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of firstContainer(objects, deployment).env ?? []) {
    const from = entry.valueFrom;
    if (entry.value !== undefined) env[entry.name] = entry.value;
    else if (from?.configMapKeyRef) {
      const map = find<{ data: Record<string, string> }>(objects, 'ConfigMap', from.configMapKeyRef.name ?? '');
      const value = map.data[from.configMapKeyRef.key];
      if (value === undefined) throw new Error(`${deployment}: ConfigMap key ${from.configMapKeyRef.key} missing`);
      env[entry.name] = value;
    } else if (from?.secretKeyRef) {
      const value = context.secrets[from.secretKeyRef.key];
      if (value !== undefined) env[entry.name] = value;
      else if (!from.secretKeyRef.optional) throw new Error(`${deployment}: no value for Secret key ${from.secretKeyRef.key}`);
    } else if (from?.fieldRef?.fieldPath === 'metadata.namespace') env[entry.name] = context.namespace;
    else throw new Error(`${deployment}: env ${entry.name} has an unsupported source`);
  }
  return env;
}

/** The container's command with `node` resolved to this Node binary (the image's entry point otherwise). */
export function containerCommand(objects: K8sObject[], deployment: string): string[] {
  const command = firstContainer(objects, deployment).command ?? [];
  if (command[0] !== 'node') throw new Error(`${deployment}: expected a node command, got ${command.join(' ')}`);
  return [process.execPath, ...command.slice(1)];
}

/** Starts a process in the repository (where dist/ is), with only the given environment besides PATH and HOME. */
export function launch(name: string, command: string[], env: Record<string, string>): Child {
  const [file, ...args] = command;
  return launchChild(name, file ?? process.execPath, args, { PATH: process.env.PATH, HOME: process.env.HOME, ...env });
}

export const isAlive = (child: Child): boolean => child.proc.exitCode === null && child.proc.signalCode === null;
