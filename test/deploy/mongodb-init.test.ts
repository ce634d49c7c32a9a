import { describe, expect, it } from '@jest/globals';
import { runInNewContext } from 'node:vm';
import { readRepoFile } from './support/manifests.js';

/**
 * The init Job's mongosh script, run against a stand-in for the mongosh globals it uses
 * (rs, Mongo, print, sleep, process.env). There is no mongod here; this checks the script's
 * own logic: first run, re-run, and growth of the StatefulSet.
 */
const script = readRepoFile('k8s/base/mongodb/init-replica-set.js');

interface Member {
  _id: number;
  host: string;
}

class FakeReplicaSet {
  config: { _id: string; version: number; members: Member[] } | null = null;
  users = new Map<string, { pwd: string; roles: unknown[] }>();
  reconfigs: Member[][] = [];
  authenticatedAs: string | null = null;

  globals(env: Record<string, string>) {
    const status = () => {
      if (!this.config) throw Object.assign(new Error('no replset config has been received'), { codeName: 'NotYetInitialized' });
      return { members: this.config.members.map((m, i) => ({ name: m.host, stateStr: i === 0 ? 'PRIMARY' : 'SECONDARY' })) };
    };
    const admin = {
      auth: (user: string) => void (this.authenticatedAs = user),
      runCommand: (command: Record<string, unknown>) => {
        if ('replSetGetConfig' in command) return { ok: 1, config: structuredClone(this.config) };
        const next = command.replSetReconfig as NonNullable<FakeReplicaSet['config']>;
        if (next.version !== (this.config?.version ?? 0) + 1) return { ok: 0, errmsg: 'version must grow by one' };
        if (next.members.length - (this.config?.members.length ?? 0) > 1) return { ok: 0, errmsg: 'one voting member at a time' };
        this.config = next;
        this.reconfigs.push(next.members);
        return { ok: 1 };
      },
      getUser: (user: string) => (this.users.has(user) ? { user } : null),
      createUser: ({ user, pwd, roles }: { user: string; pwd: string; roles: unknown[] }) => void this.users.set(user, { pwd, roles }),
      updateUser: (user: string, update: { pwd: string; roles: unknown[] }) => void this.users.set(user, update),
    };
    const rs = {
      status,
      initiate: (config: { _id: string; members: Member[] }) => void (this.config = { ...config, version: 1 }),
    };
    return {
      rs,
      Mongo: class {
        constructor(readonly uri: string) {}
        getDB() {
          return admin;
        }
      },
      print: () => undefined,
      sleep: () => undefined,
      process: { env },
    };
  }

  run(replicas: number, password = 'app-pass'): void {
    const env = {
      POD_NAMESPACE: 'globeco',
      MONGODB_REPLICAS: String(replicas),
      DATABASE_NAME: 'globeco_production',
      MONGO_ROOT_USERNAME: 'root',
      MONGO_ROOT_PASSWORD: 'root-pass',
      MONGODB_APP_USERNAME: 'ogs',
      MONGODB_APP_PASSWORD: password,
    };
    runInNewContext(script, this.globals(env));
  }
}

const host = (i: number) => `globeco-order-generation-service-mongodb-${i}.globeco-order-generation-service-mongodb.globeco.svc.cluster.local:27017`;

describe('when the MongoDB init script runs', () => {
  it('then on an empty set it initiates with member 0, adds the others one by one and creates the app user', () => {
    const set = new FakeReplicaSet();
    set.run(3);
    expect(set.config?.members).toEqual([0, 1, 2].map((i) => ({ _id: i, host: host(i) })));
    expect(set.reconfigs.map((m) => m.length)).toEqual([2, 3]);
    expect(set.authenticatedAs).toBe('root');
    expect(set.users.get('ogs')).toEqual({ pwd: 'app-pass', roles: [{ role: 'readWrite', db: 'globeco_production' }] });
  });

  it('then a second run changes no membership and re-keys the app user', () => {
    const set = new FakeReplicaSet();
    set.run(3);
    const version = set.config?.version;
    set.run(3, 'rotated');
    expect(set.config?.version).toBe(version);
    expect(set.config?.members).toHaveLength(3);
    expect(set.users.get('ogs')?.pwd).toBe('rotated');
  });

  it('then after the StatefulSet grows from 1 to 3 it adds exactly the new members', () => {
    const set = new FakeReplicaSet();
    set.run(1);
    expect(set.config?.members).toEqual([{ _id: 0, host: host(0) }]);
    set.run(3);
    expect(set.config?.members.map((m) => m.host)).toEqual([host(0), host(1), host(2)]);
    expect(new Set(set.config?.members.map((m) => m._id)).size).toBe(3);
  });
});
