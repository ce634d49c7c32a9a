/**
 * `npm run bench:send [-- --portfolios N]`: a proposal of N portfolios (default 10,000) is run,
 * approved, and sent to the Order Service stand-in through the outbox (API and two workers as
 * processes on a private FerretDB, the machine's Redis). Prints send throughput and the time
 * from approval to every order acknowledged, against a baseline measured in the same run: the
 * same orders POSTed straight to the stand-in in batches of 1,000 by one client with no outbox.
 */
import { parseArgs } from 'node:util';
import { OrderServiceClient, type OrderPost } from '../src/orders-out/order-service-client.js';
import { ORDERS_COLLECTION, type OrderDocument } from '../src/store/orders-repository.js';
import { Cluster, waitFor } from '../test/chaos/support/cluster.js';
import { seedModel } from '../test/chaos/support/seed.js';
import { startOrderServiceStandIn } from '../test/support/order-service/stand-in.js';

const { values } = parseArgs({ options: { portfolios: { type: 'string', default: '10000' } } });
const portfolios = Number(values.portfolios);
if (!Number.isSafeInteger(portfolios) || portfolios < 1) {
  console.error(`--portfolios must be a whole number ≥ 1, got ${values.portfolios}`);
  process.exit(1);
}

const cluster = new Cluster();
const standIn = await startOrderServiceStandIn();
try {
  await cluster.startFerret();
  const { modelId } = await seedModel(await cluster.db(), portfolios, 1, 'bench-send');
  const env = { ORDER_SERVICE_URL: standIn.url, SEND_SWEEP_SECONDS: '1' };
  await cluster.startApi(env);
  for (let i = 0; i < 2; i += 1) await cluster.startWorker(env);
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${cluster.apiUrl}${path}`, { method, headers: body === undefined ? {} : { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return (await res.json()) as Record<string, unknown>;
  };
  const submittedAt = Date.now();
  const runId = (await call('POST', '/api/v1/runs', { model_ids: [modelId], mode: 'propose' })).run_id as string;
  await waitFor(async () => ['completed', 'completed_with_errors'].includes((await call('GET', `/api/v1/runs/${runId}`)).status as string), 1_800_000, 'the proposal did not finish');

  const proposedAt = Date.now();
  const approvedAt = Date.now();
  const decision = await call('POST', `/api/v1/runs/${runId}/approve`, {});
  const writtenAt = Date.now();
  let status: Record<string, unknown> = {};
  await waitFor(async () => (status = await call('GET', `/api/v1/runs/${runId}/sending`)).state === 'done', 1_800_000, 'sending did not finish');
  const doneAt = Date.now();
  const plannedAt = Date.parse(status.planned_at as string);
  const orders = decision.order_count as number;
  const received = standIn.orders.length;

  // Baseline: the same orders straight to the stand-in, batches of 1,000, one client, no outbox.
  const docs = await (await cluster.db()).collection<OrderDocument>(ORDERS_COLLECTION).find({ run_id: runId }).toArray();
  const client = new OrderServiceClient(standIn.url, 30_000);
  const ids = await client.lookupIds();
  const stamp = new Date().toISOString();
  const baselineStart = Date.now();
  for (let i = 0; i < docs.length; i += 1000) {
    const body: OrderPost[] = docs.slice(i, i + 1000).map((o) => ({ blotterId: null, statusId: ids.NEW, portfolioId: o.portfolio_id, orderTypeId: ids[o.transaction_type], securityId: o.security_id, quantity: o.quantity, limitPrice: null, orderTimestamp: stamp, version: 1 }));
    const outcome = await client.post(body);
    if (outcome.kind !== 'answered') throw new Error(`baseline POST: ${JSON.stringify(outcome)}`);
  }
  const baselineMs = Date.now() - baselineStart;

  const sendMs = doneAt - writtenAt;
  const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
  console.log(`portfolios                         ${portfolios}`);
  console.log(`orders approved / received          ${orders} / ${received}`);
  console.log(`submit-to-proposal-final ms         ${proposedAt - submittedAt}`);
  console.log(`approve (write orders) ms           ${writtenAt - approvedAt}`);
  console.log(`planned (sweep + batching) ms       ${plannedAt - writtenAt} after the orders were written`);
  console.log(`approve-to-all-acknowledged ms      ${doneAt - approvedAt}`);
  console.log(`submit-to-all-acknowledged ms       ${doneAt - submittedAt}`);
  console.log(`outbox send (written → all acked)   ${sendMs} ms, ${rate(orders, sendMs)} orders/s`);
  console.log(`baseline (direct POSTs, no outbox)  ${baselineMs} ms, ${rate(docs.length, baselineMs)} orders/s`);
  console.log(`outbox / baseline throughput        ${(rate(orders, sendMs) / rate(docs.length, baselineMs)).toFixed(2)}`);
} finally {
  await cluster.close();
  await standIn.stop();
}
