/**
 * Calibrates the demo market model from the fixtures and writes assets/demo/calibration.json.
 *
 *   node scripts/calibrate-demo.ts           # write the file and print the figures
 *   node scripts/calibrate-demo.ts --check   # exit 1 if the committed file differs from a fresh run
 *
 * The computation lives in src/venues/sim/calibration.ts (pure); this script only does the file I/O.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { calibrateDemoFromTexts } from '../src/venues/sim/calibration.ts';
import type { ProfileCalibration } from '../src/venues/sim/calibration.ts';

const root = new URL('../', import.meta.url);
const data = new URL('tests/fixtures/data/', root);
const out = new URL('assets/demo/calibration.json', root);
const read = (rel: string) => readFileSync(new URL(rel, data), 'utf8');

const calibration = calibrateDemoFromTexts({
  cryptoTradesCsv: read('crypto/binance_XRPETH_trades_20191011-13.csv'),
  cryptoCandlesCsv: read('crypto/binance_XRPETH_1m_20191011-13.csv'),
  equityDailyClosesCsv: read('pypfopt/spy_prices.csv'),
  equityMinuteBarsTxt: read('backtrader/2006-01-02-volume-min-001.txt'),
});
const json = `${JSON.stringify(calibration, null, 2)}\n`;

function print(name: string, p: ProfileCalibration): void {
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  console.log(`\n${name}`);
  console.log(`  volPerSqrtSecond  ${p.volPerSqrtSecond}`);
  console.log(`    = per minute ${(p.volPerSqrtSecond * Math.sqrt(60)).toFixed(6)}, per hour ${(p.volPerSqrtSecond * 60).toFixed(6)}, per 24 h ${(p.volPerSqrtSecond * Math.sqrt(86_400)).toFixed(6)}`);
  console.log(`  tradesPerSecond   ${p.tradesPerSecond}  (${(p.tradesPerSecond * 60).toFixed(3)} per minute)`);
  console.log(`  tradeSizeLogSd    ${p.tradeSizeLogSd}`);
  console.log(`  profile (${p.intradayVolumeProfile.length} × ${p.profileBucketMinutes} min): ${p.intradayVolumeProfile.map(pct).join(' ')}`);
  console.log(`  source: ${p.source}`);
}

if (process.argv.includes('--check')) {
  const committed = readFileSync(out, 'utf8').replace(/\r\n/g, '\n');
  if (committed !== json) {
    console.error(`${fileURLToPath(out)} is stale: run node scripts/calibrate-demo.ts`);
    process.exit(1);
  }
  console.log(`${fileURLToPath(out)} is up to date`);
} else {
  writeFileSync(out, json);
  console.log(`wrote ${fileURLToPath(out)}`);
}
print('crypto (XRP/ETH)', calibration.crypto);
print('equity (SPY + proxy)', calibration.equity);
