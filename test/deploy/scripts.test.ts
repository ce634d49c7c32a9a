import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NAMES, parseDocuments, repoRoot } from './support/manifests.js';

const scratch = mkdtempSync(join(tmpdir(), 'ogs-deploy-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const realKubectl = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).stdout.trim();

function run(script: string, args: string[], env: Record<string, string> = {}, input?: string) {
  const result = spawnSync(join(repoRoot, 'scripts', script), args, { encoding: 'utf8', env: { ...process.env, ...env }, input, cwd: scratch });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * A stand-in kubectl for the cluster steps: `kustomize` goes to the real kubectl, every other
 * call is logged and answered by the shell snippet `behaviour` ($1.. are kubectl's arguments).
 */
function fakeKubectl(name: string, behaviour: string): { path: string; log: string } {
  const path = join(scratch, name);
  const log = `${path}.log`;
  writeFileSync(
    path,
    `#!/usr/bin/env bash
if [[ "$1" == kustomize ]]; then exec ${JSON.stringify(realKubectl)} "$@"; fi
echo "$*" >> ${JSON.stringify(log)}
${behaviour}
`,
  );
  chmodSync(path, 0o755);
  return { path, log };
}

const calls = (log: string) => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);

describe('when deploy-k8s.sh --dry-run renders each environment', () => {
  it.each([
    ['staging', 'globeco-staging'],
    ['production', 'globeco'],
  ])('then for %s it prints the %s manifests on stdout and a summary on stderr', (env, namespace) => {
    const { code, stdout, stderr } = run('deploy-k8s.sh', ['--dry-run', '-e', env, '-t', 'v1.2.3']);
    expect(code).toBe(0);
    const objects = parseDocuments(stdout);
    expect(objects.length).toBeGreaterThan(20);
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set([namespace]));
    expect(stdout).toContain(`image: ${NAMES.image}:v1.2.3`);
    expect(stdout).not.toContain(`${NAMES.image}:latest`);
    expect(stderr).toContain(`Environment:  ${env}`);
    expect(stderr).toContain(`Namespace:    ${namespace}`);
    expect(stderr).toContain(`Image:        ${NAMES.image}:v1.2.3`);
    expect(stderr).toContain(`Objects (${objects.length}):`);
    expect(stderr).toContain(`  Deployment/${NAMES.worker}`);
    expect(stderr).toContain('Dry run: nothing applied.');
  });

  it('then -n and --autoscaler keda move everything, the KEDA query included, to that namespace', () => {
    const { code, stdout, stderr } = run('deploy-k8s.sh', ['--dry-run', '-n', 'test-globeco', '--autoscaler', 'keda']);
    expect(code).toBe(0);
    const objects = parseDocuments(stdout);
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set(['test-globeco']));
    expect(stdout).toContain('ogs_queue_jobs{namespace="test-globeco"');
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toContain(`ScaledObject/${NAMES.worker}`);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).not.toContain(`HorizontalPodAutoscaler/${NAMES.workerHpa}`);
    expect(stderr).toContain('Autoscaler:   keda');
  });

  it('then it leaves no scratch kustomization behind in k8s/', () => {
    run('deploy-k8s.sh', ['--dry-run']);
    const leftovers = spawnSync('sh', ['-c', `ls -a ${JSON.stringify(join(repoRoot, 'k8s'))} | grep '^.deploy' || true`], { encoding: 'utf8' }).stdout;
    expect(leftovers).toBe('');
  });
});

describe('when deploy-k8s.sh is given bad input', () => {
  it('then an unknown flag exits 2 and names the flag', () => {
    const { code, stderr } = run('deploy-k8s.sh', ['--dry-run', '--colour']);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown option: --colour');
  });

  it.each([
    [['-e', 'qa'], '--env must be staging or production'],
    [['-a', 'hpa'], '--autoscaler must be adapter or keda'],
    [['-n', 'Bad_NS'], "invalid namespace 'Bad_NS'"],
    [['-t'], 'option -t needs a value'],
  ])('then %j exits 2 with "%s"', (args, message) => {
    const { code, stderr } = run('deploy-k8s.sh', ['--dry-run', ...args]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('then a missing kubectl is reported before anything is rendered', () => {
    const { code, stdout, stderr } = run('deploy-k8s.sh', ['--dry-run'], { KUBECTL: join(scratch, 'no-such-kubectl') });
    expect(code).toBe(1);
    expect(stderr).toContain('kubectl not found');
    expect(stdout).toBe('');
  });

  it('then -h documents every option', () => {
    const { code, stdout } = run('deploy-k8s.sh', ['-h']);
    expect(code).toBe(0);
    for (const flag of ['-t, --tag', '-e, --env', '-n, --namespace', '-a, --autoscaler', '--dry-run', '-h, --help']) expect(stdout).toContain(flag);
  });
});

describe('when deploy-k8s.sh deploys through kubectl', () => {
  it('then it checks the cluster and secrets, re-runs the init Job, applies, and waits for every workload', () => {
    const kubectl = fakeKubectl('kubectl-ok', 'exit 0');
    const { code, stdout } = run('deploy-k8s.sh', ['-e', 'staging', '-t', 'v2'], { KUBECTL: kubectl.path });
    expect(code).toBe(0);
    const log = calls(kubectl.log);
    expect(log[0]).toMatch(/^version/);
    expect(log).toContain(`get secret ${NAMES.appSecret} -n globeco-staging`);
    const order = ['delete job', 'apply -f', `rollout status statefulset/${NAMES.mongodb}`, `wait --for=condition=complete job/${NAMES.mongodbInit}`, `rollout status deployment/${NAMES.api}`, `rollout status deployment/${NAMES.worker}`];
    const positions = order.map((prefix) => log.findIndex((line) => line.startsWith(prefix)));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(stdout).toContain(`Deployed ${NAMES.image}:v2 to globeco-staging`);
  });

  it('then a namespace it has to create is labelled for the restricted Pod Security Standard', () => {
    const kubectl = fakeKubectl('kubectl-nonamespace', '[[ "$1 $2" == "get namespace" ]] && exit 1; exit 0');
    const { code } = run('deploy-k8s.sh', ['-n', 'fresh-ns'], { KUBECTL: kubectl.path });
    expect(code).toBe(0);
    const log = calls(kubectl.log);
    expect(log).toContain('create namespace fresh-ns');
    expect(log).toContain('label namespace fresh-ns pod-security.kubernetes.io/enforce=restricted pod-security.kubernetes.io/warn=restricted');
  });

  it('then an existing namespace is used as it is', () => {
    const kubectl = fakeKubectl('kubectl-existing', 'exit 0');
    expect(run('deploy-k8s.sh', [], { KUBECTL: kubectl.path }).code).toBe(0);
    expect(calls(kubectl.log).filter((line) => /^(create|label) namespace/.test(line))).toEqual([]);
  });

  it('then a missing Secret stops it before anything is applied', () => {
    const kubectl = fakeKubectl('kubectl-nosecret', `[[ "$1 $2 $3" == "get secret ${NAMES.redis}" ]] && exit 1; exit 0`);
    const { code, stderr } = run('deploy-k8s.sh', [], { KUBECTL: kubectl.path });
    expect(code).toBe(1);
    expect(stderr).toContain(`missing Secret(s) in globeco: ${NAMES.redis}`);
    expect(calls(kubectl.log).some((line) => line.startsWith('apply'))).toBe(false);
  });

  it('then a failed rollout exits 1 with the rollback commands', () => {
    const kubectl = fakeKubectl('kubectl-stuck', `[[ "$1 $3" == "rollout deployment/${NAMES.api}" ]] && exit 1; exit 0`);
    const { code, stderr } = run('deploy-k8s.sh', [], { KUBECTL: kubectl.path });
    expect(code).toBe(1);
    expect(stderr).toContain(`kubectl rollout undo deployment/${NAMES.api} -n globeco`);
  });

  it('then -a keda without KEDA installed stops before applying', () => {
    const kubectl = fakeKubectl('kubectl-nokeda', '[[ "$1 $2" == "get crd" ]] && exit 1; exit 0');
    const { code, stderr } = run('deploy-k8s.sh', ['-a', 'keda'], { KUBECTL: kubectl.path });
    expect(code).toBe(1);
    expect(stderr).toContain('KEDA is not installed');
    expect(calls(kubectl.log).some((line) => line.startsWith('apply'))).toBe(false);
  });

  it('then without an external metrics API it warns that the worker HPA cannot scale yet, and deploys', () => {
    const kubectl = fakeKubectl('kubectl-noadapter', '[[ "$1 $2" == "get apiservice" ]] && exit 1; exit 0');
    const { code, stderr } = run('deploy-k8s.sh', [], { KUBECTL: kubectl.path });
    expect(code).toBe(0);
    expect(stderr).toContain('warning: no external metrics API');
    expect(calls(kubectl.log).some((line) => line.startsWith('apply'))).toBe(true);
  });

  it('then an unreachable cluster is reported as such', () => {
    const kubectl = fakeKubectl('kubectl-offline', 'exit 1');
    const { code, stderr } = run('deploy-k8s.sh', [], { KUBECTL: kubectl.path });
    expect(code).toBe(1);
    expect(stderr).toContain('cannot reach the cluster');
  });
});

describe('when the MongoDB backup and restore scripts run', () => {
  // Runs what follows `--` locally, with the pod's root credentials in the environment.
  const podShell = `while [[ "$1" != -- ]]; do shift; done; shift
export MONGO_INITDB_ROOT_USERNAME=root MONGO_INITDB_ROOT_PASSWORD='s3cret'
export PATH=${JSON.stringify(scratch)}/bin:$PATH
exec "$@"`;

  function fakeTool(name: string, body: string): void {
    spawnSync('mkdir', ['-p', join(scratch, 'bin')]);
    writeFileSync(join(scratch, 'bin', name), `#!/usr/bin/env bash\n${body}\n`);
    chmodSync(join(scratch, 'bin', name), 0o755);
  }

  it('then --dry-run prints the kubectl exec it would run and touches nothing', () => {
    const backup = run('backup-mongodb.sh', ['--dry-run', '-n', 'globeco', '-o', 'out.gz']);
    expect(backup.code).toBe(0);
    expect(backup.stdout).toContain(`kubectl exec -n globeco ${NAMES.mongodb}-0 -c mongodb --`);
    expect(backup.stdout).toContain('mongodump');
    expect(existsSync(join(scratch, 'out.gz'))).toBe(false);
    const restore = run('restore-mongodb.sh', ['--dry-run', '-i', 'in.gz', '--drop']);
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain('mongorestore');
    expect(restore.stdout).toContain('--drop');
  });

  it('then a backup streams mongodump --archive into the output file with the pod credentials', () => {
    fakeTool('mongodump', 'printf "%s\\n" "$@" > "$(dirname "$0")/mongodump.args"; printf ARCHIVE');
    const kubectl = fakeKubectl('kubectl-exec', podShell);
    const { code } = run('backup-mongodb.sh', ['-d', 'globeco_production', '-o', 'backups/b.gz'], { KUBECTL: kubectl.path });
    expect(code).toBe(0);
    expect(readFileSync(join(scratch, 'backups', 'b.gz'), 'utf8')).toBe('ARCHIVE');
    const args = readFileSync(join(scratch, 'bin', 'mongodump.args'), 'utf8').split('\n');
    expect(args).toEqual(expect.arrayContaining(['--username', 'root', '--password', 's3cret', '--db', 'globeco_production', '--archive', '--gzip']));
  });

  it('then a failed dump leaves no file that looks like a backup', () => {
    fakeTool('mongodump', 'printf PARTIAL; exit 3');
    const kubectl = fakeKubectl('kubectl-exec-fail', podShell);
    const { code, stderr } = run('backup-mongodb.sh', ['-o', 'backups/failed.gz'], { KUBECTL: kubectl.path });
    expect(code).toBe(1);
    expect(stderr).toContain('mongodump failed');
    expect(existsSync(join(scratch, 'backups', 'failed.gz'))).toBe(false);
    expect(existsSync(join(scratch, 'backups', 'failed.gz.partial'))).toBe(false);
  });

  it('then a restore streams the archive into mongorestore on the primary, renaming the database', () => {
    fakeTool('mongosh', 'echo "mongodb-1.svc:27017"');
    fakeTool('mongorestore', 'printf "%s\\n" "$@" > "$(dirname "$0")/mongorestore.args"; cat > "$(dirname "$0")/mongorestore.stdin"');
    writeFileSync(join(scratch, 'in.gz'), 'ARCHIVE-BYTES');
    const kubectl = fakeKubectl('kubectl-exec-restore', podShell);
    const { code } = run('restore-mongodb.sh', ['-i', 'in.gz', '--from-database', 'globeco_production', '-d', 'globeco_copy', '--drop', '--yes'], { KUBECTL: kubectl.path });
    expect(code).toBe(0);
    expect(readFileSync(join(scratch, 'bin', 'mongorestore.stdin'), 'utf8')).toBe('ARCHIVE-BYTES');
    const args = readFileSync(join(scratch, 'bin', 'mongorestore.args'), 'utf8').split('\n');
    expect(args).toEqual(expect.arrayContaining(['--host', 'mongodb-1.svc:27017', '--nsFrom', 'globeco_production.*', '--nsTo', 'globeco_copy.*', '--drop']));
  });

  it('then a restore without --yes and without a terminal refuses', () => {
    writeFileSync(join(scratch, 'in2.gz'), 'X');
    const kubectl = fakeKubectl('kubectl-never', 'exit 0');
    const { code, stderr } = run('restore-mongodb.sh', ['-i', 'in2.gz'], { KUBECTL: kubectl.path }, '');
    expect(code).toBe(1);
    expect(stderr).toContain('pass --yes');
    expect(calls(kubectl.log)).toEqual([]);
  });

  it.each([
    ['backup-mongodb.sh', ['--bogus'], 'unknown option: --bogus'],
    ['restore-mongodb.sh', [], '--input is required'],
    ['restore-mongodb.sh', ['-i', 'x', '-d', 'bad name'], "invalid database name 'bad name'"],
  ])('then %s %j exits 2 with "%s"', (script, args, message) => {
    const { code, stderr } = run(script, args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it.each(['backup-mongodb.sh', 'restore-mongodb.sh'])('then %s -h documents --dry-run', (script) => {
    const { code, stdout } = run(script, ['-h']);
    expect(code).toBe(0);
    expect(stdout).toContain('--dry-run');
    expect(stdout).toContain('-n, --namespace');
  });
});
