import { describe, expect, it } from '@jest/globals';
import type { Db } from 'mongodb';
import { whatChanged, type ApprovalCheckDeps } from '../../../src/runs/approval-checks.js';
import type { RunDocument } from '../../../src/store/run-documents.js';

const started = new Date('2026-01-05T14:00:00Z');
const run = { _id: 'r1', created_at: started, started_at: started, model_ids: ['m1'] } as unknown as RunDocument;
const snapshot = { _id: 'r1:m1', run_id: 'r1', model_id: 'm1', name: 'growth', positions: [{ security_id: 's1', target: '0.5', low_drift: '0.02', high_drift: '0.02' }] };
const deps: ApprovalCheckDeps = {
  db: {} as Db,
  snapshotsOf: async () => [snapshot],
  currentModels: async () => [{ modelId: 'm1', name: 'growth', positions: [{ securityId: 's1', target: '0.5', lowDrift: '0.02', highDrift: '0.02' }], portfolios: [], lastRebalanceDate: null, version: 1 }],
  maxPriceAgeMs: 3_600_000,
  snapshotMarketData: false,
};

describe('what changed since a proposal ran', () => {
  it('when the prices are younger than the limit and the model is unchanged, then nothing is reported', async () => {
    expect(await whatChanged(deps, run, new Set(), new Date(started.getTime() + 3_600_000))).toEqual([]);
  });

  it('when the prices are older than the limit, then the message gives their time, age and the setting', async () => {
    const changes = await whatChanged(deps, run, new Set(), new Date(started.getTime() + 3_601_000));
    expect(changes).toEqual(['the run read prices at 2026-01-05T14:00:00.000Z, 3601 s ago, more than APPROVAL_MAX_PRICE_AGE_SECONDS (3600 s)']);
  });

  it('when the model was deleted or its drift changed, then each is named', async () => {
    expect(await whatChanged({ ...deps, currentModels: async () => [] }, run, new Set(), started)).toEqual(['model growth (m1) was deleted since the run']);
    const edited = async () => [{ modelId: 'm1', name: 'growth', positions: [{ securityId: 's1', target: '0.5', lowDrift: '0.03', highDrift: '0.02' }], portfolios: [], lastRebalanceDate: null, version: 2 }];
    expect(await whatChanged({ ...deps, currentModels: edited }, run, new Set(), started)).toEqual(['model growth (m1) changed its positions since the run']);
  });
});
