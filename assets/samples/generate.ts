// Writes assets/samples/customers.csv: a made-up, slightly messy customer list for a first try.
// Seeded, so running it again gives the same file: `node --import tsx assets/samples/generate.ts`.
// The churn outcome really depends on the columns (support calls, days since last login, plan,
// tenure, satisfaction, discount), so a model has something true to find.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../../electron/engine/util/random.ts';

const ROWS = 2000;
const OUT = fileURLToPath(new URL('./customers.csv', import.meta.url));

const rnd = mulberry32(20240601);
const pick = <T>(xs: readonly T[], w?: readonly number[]): T => {
  if (!w) return xs[Math.floor(rnd() * xs.length)];
  let r = rnd() * w.reduce((a, b) => a + b, 0);
  for (let i = 0; i < xs.length; i++) if ((r -= w[i]) < 0) return xs[i];
  return xs[xs.length - 1];
};
const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
const poisson = (lambda: number) => {
  let k = 0;
  let p = Math.exp(-lambda);
  let s = p;
  const u = rnd();
  while (u > s && k < 50) {
    k++;
    p *= lambda / k;
    s += p;
  }
  return k;
};

const FIRST = ['anna', 'ben', 'carla', 'david', 'emma', 'farid', 'grace', 'hugo', 'ines', 'jonas', 'kate', 'liam', 'maria', 'noah', 'olivia', 'pablo', 'quinn', 'rosa', 'sam', 'tara', 'umar', 'vera', 'will', 'yara', 'zoe'];
const LAST = ['smith', 'garcia', 'mueller', 'rossi', 'dubois', 'novak', 'jensen', 'brown', 'silva', 'kowalski', 'nguyen', 'khan', 'olsen', 'martin', 'lee'];
const DOMAINS = ['example.com', 'mail.example', 'inbox.example', 'post.example'];
const PLANS = ['Basic', 'Standard', 'Premium', 'Enterprise'] as const;
const FEES: Record<(typeof PLANS)[number], number> = { Basic: 19, Standard: 39, Premium: 79, Enterprise: 1249 };
const REGIONS = ['North', 'South', 'East', 'West', 'Central'];
const PAYMENT = ['Card', 'Invoice', 'Direct debit', 'PayPal'];

const today = Date.UTC(2025, 5, 30);
const lines: string[] = ['customer_id,email,signup_date,plan,monthly_fee,support_calls,region,payment_method,last_login_days,discount_used,satisfaction,churned'];
const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

for (let i = 0; i < ROWS; i++) {
  const plan = pick(PLANS, [45, 30, 20, 5]);
  const tenureDays = Math.floor(30 + rnd() * 1400);
  const signup = new Date(today - tenureDays * 86_400_000).toISOString().slice(0, 10);
  const fee = FEES[plan] * (rnd() < 0.2 ? 0.9 : 1);
  const discount = rnd() < 0.3;
  const calls = poisson(plan === 'Basic' ? 2.2 : 1.4);
  const lastLogin = Math.max(0, Math.round(Math.exp(1.8 + 1.1 * normal())));
  const satisfaction = Math.min(5, Math.max(1, Math.round(3.6 - 0.35 * calls + 0.8 * normal())));
  // The true churn story: unhappy, absent, new, Basic customers leave; discounts keep people.
  const logit =
    -2.1 + 0.45 * calls + 0.035 * Math.min(lastLogin, 90) - 0.0012 * tenureDays + (plan === 'Basic' ? 0.6 : plan === 'Enterprise' ? -0.8 : 0) - (discount ? 0.7 : 0) - 0.45 * (satisfaction - 3);
  const churned = rnd() < 1 / (1 + Math.exp(-logit));

  const first = pick(FIRST);
  const last = pick(LAST);
  const email = `${first}.${last}${Math.floor(rnd() * 90) + 10}@${pick(DOMAINS)}`;
  // A little mess, as in real exports: currency formats, a few blanks and "N/A"s.
  const feeText = rnd() < 0.01 ? '' : fee >= 1000 ? `$${fee.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}` : `$${fee.toFixed(2)}`;
  const region = rnd() < 0.015 ? 'N/A' : pick(REGIONS);
  const sat = rnd() < 0.06 ? '' : String(satisfaction);
  lines.push(
    [
      `CUST-${String(10001 + i)}`,
      email,
      signup,
      plan,
      feeText,
      String(calls),
      region,
      pick(PAYMENT),
      String(lastLogin),
      discount ? 'Yes' : 'No',
      sat,
      churned ? 'yes' : 'no',
    ]
      .map(q)
      .join(','),
  );
}

fs.writeFileSync(OUT, lines.join('\n') + '\n');
process.stdout.write(`Wrote ${ROWS} rows to ${OUT}\n`);
