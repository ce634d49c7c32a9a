import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createTestApi, type TestApi } from './models-support.js';

const id = (n: number) => n.toString(16).padStart(24, '0');

describe('the market-data API', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('market-data-api');
  });
  afterAll(async () => {
    await api.close();
  });

  it('when holdings are PUT, then 200 with counts and GET returns them exactly', async () => {
    const body = [
      { portfolio_id: id(1), cash: '1000.005', holdings: [{ security_id: id(101), quantity: 10 }] },
      { portfolio_id: id(2), cash: '0', holdings: [] },
    ];
    const put = await request(api.app).put('/api/v1/portfolios/holdings').send(body);
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ upserted: 2, modified: 0, matched: 0 });
    const got = await request(api.app).get(`/api/v1/portfolio/${id(1)}/holdings`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ portfolio_id: id(1), cash: '1000.005', holdings: [{ security_id: id(101), quantity: 10 }] });
    expect(typeof got.body.updated_at).toBe('string');
  });

  it('when a holdings row is invalid, then 400 lists the row errors and nothing is written', async () => {
    const body = [
      { portfolio_id: id(3), cash: '5', holdings: [] },
      { portfolio_id: id(4), cash: 'Infinity', holdings: [{ security_id: id(101), quantity: -1 }] },
    ];
    const put = await request(api.app).put('/api/v1/portfolios/holdings').send(body);
    expect(put.status).toBe(400);
    expect(put.body).toEqual({
      detail: expect.stringContaining('2 invalid row value(s); nothing was written'),
      code: 'INVALID_INPUT',
      error_count: 2,
      errors: [
        { field: 'rows[1].cash', message: 'must be a decimal ≥ 0 in plain notation, got "Infinity"' },
        { field: 'rows[1].holdings[0].quantity', message: 'must be a whole number ≥ 0, got -1' },
      ],
    });
    expect((await request(api.app).get(`/api/v1/portfolio/${id(3)}/holdings`)).status).toBe(404);
  });

  it('when more than 100 rows are bad, then 400 carries the first 100 errors and the full count', async () => {
    const body = Array.from({ length: 150 }, (_, i) => ({ security_id: id(500 + i), price: '-1' }));
    const put = await request(api.app).put('/api/v1/prices').send(body);
    expect(put.status).toBe(400);
    expect(put.body.errors).toHaveLength(100);
    expect(put.body.error_count).toBe(150);
  });

  it('when prices are PUT, then GET returns each price as a canonical decimal string', async () => {
    const put = await request(api.app)
      .put('/api/v1/prices')
      .send([
        { security_id: id(101), price: '145.2000' },
        { security_id: id(102), price: 12.5 },
      ]);
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ upserted: 2, modified: 0, matched: 0 });
    const got = await request(api.app).get(`/api/v1/price/${id(101)}`);
    expect(got.body).toMatchObject({ security_id: id(101), price: '145.2' });
    expect((await request(api.app).get(`/api/v1/price/${id(999)}`)).status).toBe(404);
    expect((await request(api.app).get('/api/v1/price/IBM')).status).toBe(400);
  });

  it('when the body is not an array, then 400 names the body', async () => {
    const put = await request(api.app).put('/api/v1/prices').send({ security_id: id(1), price: '1' });
    expect(put.status).toBe(400);
    expect(put.body.detail).toMatch(/^body/);
  });

  it('when API keys are configured, then uploads and reads without a key are refused with 401', async () => {
    const locked = api.appWith({ API_KEYS: 'k-market-data' });
    const body = [{ security_id: id(103), price: '1' }];
    expect((await request(locked).put('/api/v1/prices').send(body)).status).toBe(401);
    expect((await request(locked).put('/api/v1/prices').set('X-API-Key', 'k-market-data').send(body)).status).toBe(200);
    expect((await request(locked).get(`/api/v1/price/${id(103)}`)).status).toBe(401);
    expect((await request(locked).get(`/api/v1/price/${id(103)}`).set('X-API-Key', 'k-market-data')).status).toBe(200);
  });

  it('when the OpenAPI document is served, then it describes the market-data routes', async () => {
    const doc = await request(api.app).get('/api/v1/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/v1/portfolios/holdings', '/api/v1/prices', '/api/v1/portfolio/{id}/holdings', '/api/v1/price/{security_id}']));
  });
  it('when holdings carry lots and the portfolio recent sales, then they are stored and read back exactly', async () => {
    const lots = [
      { lot_id: 'L-1', quantity: 6, unit_cost: '10.50', acquired: '2024-01-15' },
      { lot_id: 'L-2', quantity: 4, unit_cost: '0', acquired: '2026-02-28' },
    ];
    const sales = [{ security_id: id(102), date: '2026-03-01', quantity: 3, realized_gain: '-12.5' }];
    const body = [{ portfolio_id: id(20), cash: '5', holdings: [{ security_id: id(101), quantity: 10, lots }, { security_id: id(102), quantity: 1 }], recent_sales: sales }];
    expect((await request(api.app).put('/api/v1/portfolios/holdings').send(body)).status).toBe(200);
    const got = await request(api.app).get(`/api/v1/portfolio/${id(20)}/holdings`);
    expect(got.body).toMatchObject({
      holdings: [{ security_id: id(101), quantity: 10, lots: [{ ...lots[0], unit_cost: '10.5' }, lots[1]] }, { security_id: id(102), quantity: 1 }],
      recent_sales: sales,
    });
    expect(got.body.holdings[1].lots).toBeUndefined();
    const plain = await request(api.app).get(`/api/v1/portfolio/${id(1)}/holdings`);
    expect(plain.body.recent_sales).toBeUndefined();
    expect(plain.body.holdings[0].lots).toBeUndefined();
  });

  it('when lots do not add up to the holding, then 400 names the portfolio and the security', async () => {
    const lots = [{ lot_id: 'a', quantity: 6, unit_cost: '10', acquired: '2024-01-15' }, { lot_id: 'b', quantity: 3, unit_cost: '11', acquired: '2024-02-15' }];
    const put = await request(api.app).put('/api/v1/portfolios/holdings').send([{ portfolio_id: id(21), cash: '0', holdings: [{ security_id: id(101), quantity: 10, lots }] }]);
    expect(put.status).toBe(400);
    expect(put.body.errors).toEqual([
      { field: 'rows[0].holdings[0].lots', message: `lots of portfolio ${id(21)} security ${id(101)} add up to 9 shares, not the holding's quantity 10` },
    ]);
    expect(put.body.detail).toContain(`portfolio ${id(21)} security ${id(101)}`);
    expect((await request(api.app).get(`/api/v1/portfolio/${id(21)}/holdings`)).status).toBe(404);
  });

  it.each([
    ['holdings[0].lots[0].lot_id', { lots: [{ lot_id: '', quantity: 10, unit_cost: '1', acquired: '2024-01-01' }] }],
    ['holdings[0].lots[0].quantity', { lots: [{ lot_id: 'x', quantity: 0, unit_cost: '1', acquired: '2024-01-01' }] }],
    ['holdings[0].lots[0].unit_cost', { lots: [{ lot_id: 'x', quantity: 10, unit_cost: '-1', acquired: '2024-01-01' }] }],
    ['holdings[0].lots[0].acquired', { lots: [{ lot_id: 'x', quantity: 10, unit_cost: '1', acquired: '2024-02-30' }] }],
    ['holdings[0].lots[1].lot_id', { lots: [{ lot_id: 'x', quantity: 5, unit_cost: '1', acquired: '2024-01-01' }, { lot_id: 'x', quantity: 5, unit_cost: '1', acquired: '2024-01-01' }] }],
    ['holdings[0].lots', { lots: 'many' }],
    ['recent_sales[0].security_id', { sale: { security_id: 'x', date: '2026-01-01', quantity: 1, realized_gain: '1' } }],
    ['recent_sales[0].date', { sale: { security_id: id(101), date: 'yesterday', quantity: 1, realized_gain: '1' } }],
    ['recent_sales[0].quantity', { sale: { security_id: id(101), date: '2026-01-01', quantity: 1.5, realized_gain: '1' } }],
    ['recent_sales[0].realized_gain', { sale: { security_id: id(101), date: '2026-01-01', quantity: 1, realized_gain: '--1' } }],
  ])('when %s is bad, then 400 names it', async (field, bad: { lots?: unknown; sale?: unknown }) => {
    const holding = { security_id: id(101), quantity: 10, ...(bad.lots === undefined ? {} : { lots: bad.lots }) };
    const row = { portfolio_id: id(22), cash: '0', holdings: [holding], ...(bad.sale === undefined ? {} : { recent_sales: [bad.sale] }) };
    const put = await request(api.app).put('/api/v1/portfolios/holdings').send([row]);
    expect(put.status).toBe(400);
    expect(put.body.errors[0].field).toBe(`rows[0].${field}`);
  });
});
