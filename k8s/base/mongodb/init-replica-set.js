// Run by the init Job with mongosh against member 0, once every member answers. Idempotent:
// initiates the replica set with member 0 on first run, adds the other members one by one
// (also after the StatefulSet grows), and creates (or re-keys) the application user with
// readWrite on the service database only.
const sts = 'globeco-order-generation-service-mongodb';
const ns = process.env.POD_NAMESPACE;
const replicas = Number(process.env.MONGODB_REPLICAS || '1');
const hostOf = (i) => `${sts}-${i}.${sts}.${ns}.svc.cluster.local:27017`;
const members = Array.from({ length: replicas }, (_, i) => ({ _id: i, host: hostOf(i) }));

function status() {
  try {
    return rs.status();
  } catch (error) {
    if (error.codeName === 'NotYetInitialized') return null;
    throw error;
  }
}

function waitForPrimary() {
  for (let attempt = 0; attempt < 60; attempt += 1) {
    const current = status();
    const primary = current && current.members.find((m) => m.stateStr === 'PRIMARY');
    if (primary) return primary.name;
    sleep(2000);
  }
  throw new Error('replica set has no primary after 120 s');
}

if (status() === null) {
  print(`initiating rs0 with ${members[0].host}`);
  rs.initiate({ _id: 'rs0', members: [members[0]] });
}
const primary = waitForPrimary();
const conn = new Mongo(`mongodb://${primary}/?directConnection=true`);
const admin = conn.getDB('admin');
admin.auth(process.env.MONGO_ROOT_USERNAME, process.env.MONGO_ROOT_PASSWORD);

function addMissingMembers() {
  for (const member of members) {
    const config = admin.runCommand({ replSetGetConfig: 1 }).config;
    if (config.members.some((m) => m.host === member.host)) continue;
    // One member per reconfig: MongoDB refuses to add several voting members at once.
    const nextId = Math.max(...config.members.map((m) => m._id)) + 1;
    config.members.push({ _id: nextId, host: member.host });
    config.version += 1;
    // The primary assigns the term; mongosh's rs.reconfig() drops it the same way.
    delete config.term;
    const reply = admin.runCommand({ replSetReconfig: config });
    if (reply.ok !== 1) throw new Error(`adding ${member.host} failed: ${reply.errmsg}`);
    print(`added member ${member.host}`);
  }
}

addMissingMembers();

const user = process.env.MONGODB_APP_USERNAME;
const pwd = process.env.MONGODB_APP_PASSWORD;
const roles = [{ role: 'readWrite', db: process.env.DATABASE_NAME }];
if (admin.getUser(user)) {
  admin.updateUser(user, { pwd, roles });
  print(`updated user ${user}`);
} else {
  admin.createUser({ user, pwd, roles });
  print(`created user ${user}`);
}
