import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { captureIo } from '../support/cli-io.js';
import { runCli } from '../../src/cli/run-cli.js';
import { listenOnLoopback } from '../support/listen.js';

const RUN = '0123456789abcdef01234567';

const io = captureIo;

describe('ogs approve, reject and sending', () => {
  let baseUrl = '';
  let stop = () => undefined as void;
  let env: NodeJS.ProcessEnv;
  const bodies: unknown[] = [];
  let polls = 0;

  beforeAll(async () => {
    const app = express();
    app.use(express.json());
    app.post(`/api/v1/runs/${RUN}/approve`, (req, res) => {
      bodies.push(req.body);
      res.json({ run_id: RUN, decision: 'approved', decided_by: 'desk', decided_at: '2026-01-05T14:00:00.000Z', order_count: 42 });
    });
    app.post(`/api/v1/runs/${RUN}/reject`, (_req, res) => res.status(409).json({ detail: `run ${RUN} was already approved by desk`, code: 'CONFLICT' }));
    app.get(`/api/v1/runs/${RUN}/sending`, (_req, res) => {
      polls += 1;
      const done = polls > 1;
      res.json({ run_id: RUN, enabled: true, state: done ? 'done' : 'sending', batches: 2, orders: { total: 42, pending: done ? 0 : 2, in_flight: done ? 0 : 40, sent: done ? 41 : 0, rejected: done ? 1 : 0 } });
    });
    ({ url: baseUrl, stop } = await listenOnLoopback(app));
    env = { OGS_API_URL: baseUrl };
  });
  afterAll(() => {
    stop();
  });

  it('when a proposal is approved with exclusions, then the lists are sent and the decision is printed', async () => {
    const t = io(env);
    expect(await runCli(['approve', RUN, '--exclude', 'p1', '--exclude', 'p2'], t.io)).toBe(0);
    expect(bodies.at(-1)).toEqual({ exclude: ['p1', 'p2'] });
    expect(t.out()).toBe(`Run ${RUN} approved by desk at 2026-01-05T14:00:00.000Z, 42 orders written\n`);
  });

  it('when a rejection is refused, then the reason is shown and the exit code is 1', async () => {
    const t = io(env);
    expect(await runCli(['reject', RUN], t.io)).toBe(1);
    expect(t.err()).toContain('already approved by desk');
  });

  it('when sending is followed, then it prints until done and exits 1 because an order was rejected', async () => {
    const t = io(env);
    expect(await runCli(['sending', RUN, '--follow'], t.io)).toBe(1);
    const lines = t.out().trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(`${RUN} done: 42 orders in 2 batches — 41 sent, 1 rejected, 0 in flight, 0 pending`);
  }, 15_000);
});
