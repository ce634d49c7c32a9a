/**
 * A realistic demo book, generated deterministically: securities with prices, a handful of
 * models (targets in steps of 0.005, Σ ≤ 0.95), portfolios with drifted holdings and cash,
 * and a few portfolios that are infeasible on purpose (too little money for any whole share).
 */

export interface BookSize {
  securities: number;
  models: number;
  portfolios: number;
  /** Portfolios made infeasible on purpose. */
  infeasible: number;
}

export interface Book {
  prices: { security_id: string; price: string; ticker: string }[];
  models: { name: string; positions: { security_id: string; target: string; low_drift: string; high_drift: string }[]; portfolios: string[] }[];
  holdings: { portfolio_id: string; name: string; cash: string; holdings: { security_id: string; quantity: number }[] }[];
}

/** mulberry32: small, seedable, good enough for demo data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hexId = (kind: number, n: number) => `${kind.toString(16).padStart(4, '0')}${n.toString(16).padStart(20, '0')}`;
const weight = (units: number) => (units * 0.005).toFixed(3);

function models(size: BookSize, securities: string[], random: () => number): Book['models'] {
  const out: Book['models'] = [];
  for (let m = 0; m < size.models; m += 1) {
    const count = 30 + Math.floor(random() * 31);
    const start = Math.floor(random() * securities.length);
    const chosen = Array.from({ length: count }, (_v, i) => securities[(start + i * 7) % securities.length]!);
    // 0.90 of market value in units of 0.005, spread as evenly as whole units allow.
    const units = 180;
    const base = Math.floor(units / count);
    const positions = chosen.map((security_id, i) => {
      const u = base + (i < units - base * count ? 1 : 0);
      const band = u >= 6 ? '0.010' : '0.005';
      return { security_id, target: weight(u), low_drift: band, high_drift: band };
    });
    out.push({ name: `Demo model ${m + 1} (${count} positions)`, positions, portfolios: [] });
  }
  return out;
}

/** A made-up ticker per security index: AAA, AAB, … (three letters cover 17,576 securities). */
function tickerOf(i: number): string {
  const letter = (n: number) => String.fromCharCode(65 + (n % 26));
  return `${letter(Math.floor(i / 676))}${letter(Math.floor(i / 26))}${letter(i)}`;
}

const FAMILIES = ['Smith', 'Garcia', 'Chen', 'Okafor', 'Novak', 'Haddad', 'Tanaka', 'Silva', 'Müller', 'Kowalski'];
const ACCOUNTS = ['Family Trust', 'IRA', 'Joint Account', 'Foundation', 'Pension'];

/** A made-up portfolio name, numbered so each is unique. */
function portfolioName(p: number): string {
  return `${FAMILIES[p % FAMILIES.length]} ${ACCOUNTS[Math.floor(p / FAMILIES.length) % ACCOUNTS.length]} ${p + 1}`;
}

export function generateBook(size: BookSize, seed = 20260101): Book {
  const random = rng(seed);
  const securities = Array.from({ length: size.securities }, (_v, i) => hexId(0x5ec0, i));
  const priceOf = new Map<string, number>();
  const prices = securities.map((security_id, i) => {
    const cents = 500 + Math.floor(random() * 39_500);
    priceOf.set(security_id, cents / 100);
    return { security_id, price: (cents / 100).toFixed(2), ticker: tickerOf(i) };
  });
  const book: Book = { prices, models: models(size, securities, random), holdings: [] };
  for (let p = 0; p < size.portfolios; p += 1) {
    const portfolio_id = hexId(0x9f00, p);
    const name = portfolioName(p);
    const model = book.models[p % book.models.length]!;
    model.portfolios.push(portfolio_id);
    if (p < size.infeasible) {
      // $25 cannot buy one share of anything, yet every band needs some of each position.
      book.holdings.push({ portfolio_id, name, cash: '25.00', holdings: [] });
      continue;
    }
    const marketValue = 200_000 + random() * 1_800_000;
    const holdings = model.positions.flatMap((pos) => {
      const price = priceOf.get(pos.security_id)!;
      const drifted = marketValue * Number(pos.target) * (0.65 + random() * 0.7);
      const quantity = Math.max(0, Math.round(drifted / price));
      return quantity > 0 ? [{ security_id: pos.security_id, quantity }] : [];
    });
    if (random() < 0.1) {
      // A security outside the model: the rebalance sells it.
      const extra = securities[Math.floor(random() * securities.length)]!;
      if (!holdings.some((h) => h.security_id === extra)) holdings.push({ security_id: extra, quantity: 10 + Math.floor(random() * 200) });
    }
    const cash = (marketValue * (0.01 + random() * 0.07)).toFixed(2);
    book.holdings.push({ portfolio_id, name, cash, holdings });
  }
  return book;
}

/** Sends the book through the API's bulk endpoints, in batches under the body limit. */
export async function uploadBook(
  book: Book,
  call: (method: string, path: string, body: unknown) => Promise<unknown>,
  onProgress: (what: string) => void,
): Promise<void> {
  await call('PUT', '/api/v1/prices', book.prices);
  onProgress(`${book.prices.length} prices`);
  for (let i = 0; i < book.holdings.length; i += 1000) {
    await call('PUT', '/api/v1/portfolios/holdings', book.holdings.slice(i, i + 1000));
    onProgress(`holdings ${Math.min(i + 1000, book.holdings.length)}/${book.holdings.length}`);
  }
  for (const model of book.models) await call('POST', '/api/v1/models', model);
  onProgress(`${book.models.length} models`);
}
