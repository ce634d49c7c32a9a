import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import type { ILabelSelector } from '@kubernetes-models/apimachinery/apis/meta/v1/LabelSelector';

/** A pod somewhere in the cluster, as NetworkPolicy sees it. */
export interface Endpoint {
  namespace: string;
  labels: Record<string, string>;
}

/** A connection attempt from one pod to another. */
export interface Connection {
  from: Endpoint;
  to: Endpoint;
  port: number;
  protocol?: 'TCP' | 'UDP';
}

function matches(selector: ILabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const e of selector.matchExpressions ?? []) {
    const value = labels[e.key];
    const ok =
      e.operator === 'In' ? value !== undefined && (e.values ?? []).includes(value)
      : e.operator === 'NotIn' ? value === undefined || !(e.values ?? []).includes(value)
      : e.operator === 'Exists' ? value !== undefined
      : value === undefined;
    if (!ok) return false;
  }
  return true;
}

const namespaceLabels = (namespace: string) => ({ 'kubernetes.io/metadata.name': namespace });

function peerMatches(peer: INetworkPolicyPeer, policyNamespace: string, other: Endpoint): boolean {
  if (peer.ipBlock) return false;
  if (peer.namespaceSelector) {
    return matches(peer.namespaceSelector, namespaceLabels(other.namespace)) && matches(peer.podSelector, other.labels);
  }
  return other.namespace === policyNamespace && matches(peer.podSelector, other.labels);
}

function portMatches(ports: INetworkPolicyPort[] | undefined, port: number, protocol: string): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => (p.protocol ?? 'TCP') === protocol && (p.port === undefined || p.port === port));
}

/**
 * Whether `direction` traffic of `self` with `other` is allowed by the policies in `self`'s
 * namespace: allowed when no policy of that type selects the pod, else when some rule admits it.
 */
function side(policies: INetworkPolicy[], self: Endpoint, other: Endpoint, port: number, protocol: string, direction: 'Ingress' | 'Egress'): boolean {
  const selecting = policies.filter(
    (p) => p.metadata?.namespace === self.namespace && matches(p.spec?.podSelector, self.labels) && (p.spec?.policyTypes ?? ['Ingress']).includes(direction),
  );
  if (selecting.length === 0) return true;
  return selecting.some((p) => {
    const rules = direction === 'Ingress' ? (p.spec?.ingress ?? []) : (p.spec?.egress ?? []);
    return rules.some((rule) => {
      const peers = direction === 'Ingress' ? (rule as { from?: INetworkPolicyPeer[] }).from : (rule as { to?: INetworkPolicyPeer[] }).to;
      const peerOk = !peers || peers.length === 0 || peers.some((peer) => peerMatches(peer, self.namespace, other));
      return peerOk && portMatches(rule.ports, port, protocol);
    });
  });
}

/** Evaluates a connection against the rendered NetworkPolicies (both ends must allow it). */
export function allowed(policies: INetworkPolicy[], c: Connection): boolean {
  const protocol = c.protocol ?? 'TCP';
  return side(policies, c.from, c.to, c.port, protocol, 'Egress') && side(policies, c.to, c.from, c.port, protocol, 'Ingress');
}
