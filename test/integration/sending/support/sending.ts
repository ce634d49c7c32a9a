import { Redis } from 'ioredis';
import request from 'supertest';
import type { Express } from 'express';
import type { Db } from 'mongodb';
import { ORDERS_COLLECTION, type OrderDocument } from '../../../../src/store/orders-repository.js';
import { OutboxRepository, type PackedResult } from '../../../../src/store/outbox-repository.js';
import type { OrderServiceStandIn } from '../../../support/order-service/stand-in.js';
import { redisUrl } from '../../../support/redis.js';

/** Polls the run's send status until every order is sent or rejected. */
export async function waitSent(app: Express, runId: string, timeoutS = 60): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutS * 1000;
  for (;;) {
    const res = await request(app).get(`/api/v1/runs/${runId}/sending`);
    if (res.status !== 200) throw new Error(`send status answered ${res.status}: ${JSON.stringify(res.body)}`);
    if (res.body.state === 'done') return res.body;
    if (Date.now() > deadline) throw new Error(`run ${runId} not sent after ${timeoutS} s: ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** `portfolio|security|side|quantity`, sorted: the same key on both sides. */
const key = (p: string, s: string, side: string, q: number) => `${p}|${s}|${side}|${q}`;

/** Everything exactly-once means for one run, as sorted keys and per-order outbox results. */
export async function deliveryOf(db: Db, standIn: OrderServiceStandIn, runId: string, portfolios: ReadonlySet<string>) {
  const orders = await db.collection<OrderDocument>(ORDERS_COLLECTION).find({ run_id: runId }).toArray();
  const received = standIn.orders.filter((o) => portfolios.has(o.portfolio.portfolioId));
  const outcomes = await new OutboxRepository(db).outcomesOf(runId);
  const results = outcomes.flatMap((o) => JSON.parse(o.results_json) as PackedResult[]);
  return {
    orders,
    expected: orders.map((o) => key(o.portfolio_id, o.security_id, o.transaction_type, o.quantity)).sort(),
    received: received.map((o) => key(o.portfolio.portfolioId, o.security.securityId, o.orderType.abbreviation, o.quantity)).sort(),
    receivedIds: new Set(received.map((o) => o.id)),
    results,
    reconciled: outcomes.reduce((n, o) => n + o.reconciled, 0),
  };
}

/** Deletes every Redis key under the test's queue prefix (the send queue's scheduler included). */
export async function dropQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}
