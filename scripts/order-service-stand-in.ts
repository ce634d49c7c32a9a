/**
 * Runs the Order Service stand-in as its own process (demo, chaos, bench):
 * `tsx scripts/order-service-stand-in.ts [--port N]`. Prints `listening <url>` once ready;
 * faults are switched with `POST <url>/_faults` (see `test/support/order-service/stand-in.ts`).
 */
import { startOrderServiceStandIn } from '../test/support/order-service/stand-in.js';

const at = process.argv.indexOf('--port');
const port = at > 0 ? Number(process.argv[at + 1]) : 8081;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be 0-65535, got ${process.argv[at + 1]}`);
  process.exit(1);
}
const standIn = await startOrderServiceStandIn(port);
console.log(`listening ${standIn.url}`);
const stop = () => void standIn.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
