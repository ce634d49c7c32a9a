import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppsV1Api, AutoscalingV2Api, KubeConfig } from '@kubernetes/client-node';
import { repoRoot } from '../../deploy/support/manifests.js';

const run = promisify(execFile);
const SCRIPTS = join(repoRoot, 'scripts', 'k8s-local');
/** Same default as scripts/k8s-local/env.sh. */
export const K8S_HOME = process.env.OGS_K8S_HOME ?? join(repoRoot, '.k8s-local');

/** The ports and paths up.sh wrote to run/env. */
function readEnv(): Record<string, string> {
  const lines = readFileSync(join(K8S_HOME, 'run', 'env'), 'utf8').split('\n').filter(Boolean);
  return Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

/** One scrape target as Prometheus should label it (the relabel turns these into `namespace`, `pod`). */
export interface ScrapeTarget {
  address: string;
  namespace: string;
  pod: string;
}

/**
 * The local control plane of scripts/k8s-local (etcd, kube-apiserver, controller manager,
 * scheduler, kwok, Prometheus, KEDA), started by `up.sh` and stopped by `down.sh`.
 */
export class ControlPlane {
  private constructor(
    private readonly env: Record<string, string>,
    private readonly attached: boolean,
  ) {}

  /**
   * Runs up.sh; fails with its output when a binary is missing or a component does not start.
   * With OGS_K8S_ATTACH=1 it uses a control plane already started by hand (up.sh) and leaves
   * it running, for quick reruns while developing.
   */
  static async up(): Promise<ControlPlane> {
    if (process.env.OGS_K8S_ATTACH === '1') return new ControlPlane(readEnv(), true);
    const missing = ['kube-apiserver', 'keda-adapter', 'prometheus', 'kwok', 'etcd'].filter((b) => !existsSync(join(K8S_HOME, 'bin', b)));
    if (missing.length) throw new Error(`missing ${missing.join(', ')} in ${K8S_HOME}/bin: run scripts/k8s-local/build.sh first`);
    await run(join(SCRIPTS, 'down.sh'), { env: process.env }); // a previous run killed midway
    try {
      await run(join(SCRIPTS, 'up.sh'), { env: process.env, timeout: 240_000 });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      throw new Error(`up.sh failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
    }
    return new ControlPlane(readEnv(), false);
  }

  async down(): Promise<void> {
    if (!this.attached) await run(join(SCRIPTS, 'down.sh'), { env: process.env });
  }

  get prometheusUrl(): string {
    return this.env.PROMETHEUS_URL ?? '';
  }

  /** kubectl against this control plane; `input` is piped to stdin (for `apply -f -`). */
  kubectl(args: string[], input?: string): string {
    try {
      return execFileSync('kubectl', args, { env: { ...process.env, KUBECONFIG: this.env.KUBECONFIG }, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      throw new Error(`kubectl ${args.join(' ')} failed:\n${e.stderr ?? ''}${e.stdout ?? ''}`);
    }
  }

  private kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromFile(this.env.KUBECONFIG ?? '');
    return kc;
  }

  private appsApi?: AppsV1Api;
  private autoscalingApi?: AutoscalingV2Api;

  apps(): AppsV1Api {
    return (this.appsApi ??= this.kubeConfig().makeApiClient(AppsV1Api));
  }

  autoscaling(): AutoscalingV2Api {
    return (this.autoscalingApi ??= this.kubeConfig().makeApiClient(AutoscalingV2Api));
  }

  /** Replaces Prometheus's file_sd target list `name` (picked up within its 1 s refresh). */
  setScrapeTargets(name: string, targets: ScrapeTarget[]): void {
    const file = join(this.env.PROMETHEUS_TARGETS ?? '', `${name}.json`);
    if (!targets.length) return rmSync(file, { force: true });
    const groups = targets.map((t) => ({ targets: [t.address], labels: { __namespace: t.namespace, __pod: t.pod } }));
    writeFileSync(`${file}.tmp`, JSON.stringify(groups));
    execFileSync('mv', [`${file}.tmp`, file]);
  }

  /** An instant PromQL query: one value per returned series. */
  async query(promql: string): Promise<{ labels: Record<string, string>; value: number }[]> {
    const res = await fetch(`${this.prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await res.json()) as { status: string; error?: string; data?: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    if (body.status !== 'success') throw new Error(`PromQL ${promql}: ${body.error ?? res.status}`);
    return (body.data?.result ?? []).map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
  }
}
