import { useEffect, useId, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { CandlestickSeries, ColorType, CrosshairMode, HistogramSeries, TickMarkType, createChart, createSeriesMarkers } from 'lightweight-charts';
import type { CandlestickData, HistogramData, IChartApi, ISeriesApi, ISeriesMarkersPluginApi, SeriesMarker, Time, UTCTimestamp } from 'lightweight-charts';
import { CANDLE_INTERVALS } from '../../../../src/contract/index.ts';
import type { CandleDto, CandleInterval, FillDto } from '../../../../src/contract/index.ts';
import { fmtNum, fmtTime, isNum } from '../../shared/format.ts';
import { call, errorText, fills, onCandle, useStore } from '../../state/index.ts';

const INTERVAL_MS: Record<CandleInterval, number> = { '1s': 1000, '5s': 5000, '1m': 60_000, '5m': 300_000 };
const HISTORY = 600;
/** Live bars kept on the chart; past this it is trimmed back to KEEP_BARS (a day of 1s bars is 86,400). */
const MAX_BARS = 6000;
const KEEP_BARS = 4000;
const MARKER_FILLS = 400;

const UP = '#26a69a';
const DOWN = '#ef5350';

const toTime = (ms: number): UTCTimestamp => Math.floor(ms / 1000) as UTCTimestamp;

function candleData(c: CandleDto): CandlestickData<Time> {
  return { time: toTime(c.time), open: c.open, high: c.high, low: c.low, close: c.close };
}

function volumeData(c: CandleDto): HistogramData<Time> {
  return { time: toTime(c.time), value: isNum(c.volume) ? c.volume : 0, color: c.close >= c.open ? 'rgba(38,166,154,0.35)' : 'rgba(239,83,80,0.35)' };
}

function saneCandle(c: CandleDto): boolean {
  return isNum(c.time) && isNum(c.open) && isNum(c.high) && isNum(c.low) && isNum(c.close);
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Chart labels in local time (the library works in UTC seconds). */
function localLabel(t: Time, withSeconds: boolean): string {
  if (typeof t !== 'number') return '';
  const d = new Date(t * 1000);
  const hm = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  return withSeconds ? `${hm}:${pad2(d.getSeconds())}` : hm;
}

function tickLabel(t: Time, kind: TickMarkType): string {
  if (typeof t !== 'number') return '';
  const d = new Date(t * 1000);
  switch (kind) {
    case TickMarkType.Year:
      return String(d.getFullYear());
    case TickMarkType.Month:
      return MONTHS[d.getMonth()] ?? '';
    case TickMarkType.DayOfMonth:
      return `${d.getDate()} ${MONTHS[d.getMonth()] ?? ''}`;
    case TickMarkType.TimeWithSeconds:
      return localLabel(t, true);
    default:
      return localLabel(t, false);
  }
}

/** One marker per (bar, side): buys below the bar, sells above. */
export function fillMarkers(list: FillDto[], interval: CandleInterval, qtyDecimals: number | undefined): SeriesMarker<Time>[] {
  const step = INTERVAL_MS[interval];
  const agg = new Map<string, { time: number; side: 'buy' | 'sell'; qty: number; n: number }>();
  for (const f of list) {
    if (!isNum(f.ts) || !isNum(f.qty)) continue;
    const bar = Math.floor(f.ts / step) * step;
    const key = `${bar}:${f.side}`;
    const a = agg.get(key);
    if (a) {
      a.qty += f.qty;
      a.n++;
    } else agg.set(key, { time: bar, side: f.side, qty: f.qty, n: 1 });
  }
  return [...agg.values()]
    .sort((a, b) => a.time - b.time || (a.side === 'buy' ? -1 : 1))
    .map((a) => ({
      time: toTime(a.time),
      position: a.side === 'buy' ? ('belowBar' as const) : ('aboveBar' as const),
      shape: a.side === 'buy' ? ('arrowUp' as const) : ('arrowDown' as const),
      color: a.side === 'buy' ? '#4caf50' : '#ff5252',
      text: `${a.side === 'buy' ? 'B' : 'S'} ${fmtNum(a.qty, qtyDecimals)}`,
      size: 1,
    }));
}

interface Ohlc {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export function PriceChart(): ReactNode {
  const symbol = useStore((s) => s.selected);
  const inst = useStore((s) => (s.selected ? s.instruments[s.selected] : undefined));
  const epoch = useStore((s) => s.epoch);
  const fillsRev = useStore((s) => s.fillsRev);
  const [interval, setInterval_] = useState<CandleInterval>('5s');
  const [status, setStatus] = useState<'loading' | 'ready' | 'empty' | 'error'>('loading');
  const [legend, setLegend] = useState<Ohlc | null>(null);
  const [latest, setLatest] = useState<Ohlc | null>(null);
  const [markerCount, setMarkerCount] = useState(0);
  const [loadedKey, setLoadedKey] = useState('');
  const box = useRef<HTMLDivElement | null>(null);
  const descId = useId();
  const chartRef = useRef<IChartApi | null>(null);
  const candleRef = useRef<ISeriesApi<'Candlestick'> | null>(null);
  const volRef = useRef<ISeriesApi<'Histogram'> | null>(null);
  const markersRef = useRef<ISeriesMarkersPluginApi<Time> | null>(null);
  const lastBar = useRef<Ohlc | null>(null);
  const bars = useRef<CandleDto[]>([]);

  // The chart itself: created once.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const chart = createChart(el, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: '#0f141b' },
        textColor: '#8b98a9',
        fontSize: 11,
        fontFamily: 'Inter, -apple-system, "Segoe UI", Roboto, "Liberation Sans", Arial, sans-serif',
        attributionLogo: false,
      },
      grid: { vertLines: { color: 'rgba(42, 52, 66, 0.55)' }, horzLines: { color: 'rgba(42, 52, 66, 0.55)' } },
      crosshair: { mode: CrosshairMode.Normal },
      rightPriceScale: { borderColor: '#243040', scaleMargins: { top: 0.12, bottom: 0.22 } },
      timeScale: {
        borderColor: '#243040',
        timeVisible: true,
        secondsVisible: true,
        rightOffset: 6,
        barSpacing: 8,
        tickMarkFormatter: (t: Time, kind: TickMarkType) => tickLabel(t, kind),
      },
      localization: { timeFormatter: (t: Time) => localLabel(t, true) },
    });
    const candles = chart.addSeries(CandlestickSeries, {
      upColor: UP,
      downColor: DOWN,
      borderUpColor: UP,
      borderDownColor: DOWN,
      wickUpColor: UP,
      wickDownColor: DOWN,
    });
    const volume = chart.addSeries(HistogramSeries, { priceScaleId: 'vol', priceFormat: { type: 'volume' }, lastValueVisible: false, priceLineVisible: false });
    chart.priceScale('vol').applyOptions({ scaleMargins: { top: 0.82, bottom: 0 } });
    markersRef.current = createSeriesMarkers(candles, []);
    chart.subscribeCrosshairMove((p) => {
      const d = (p.time !== undefined ? p.seriesData.get(candles) : undefined) as Partial<CandlestickData<Time>> | undefined;
      if (d && isNum(d.open) && isNum(d.high) && isNum(d.low) && isNum(d.close) && typeof p.time === 'number') {
        const v = p.seriesData.get(volume) as Partial<HistogramData<Time>> | undefined;
        setLegend({ time: p.time * 1000, open: d.open, high: d.high, low: d.low, close: d.close, volume: isNum(v?.value) ? v.value : 0 });
      } else setLegend(null);
    });
    chartRef.current = chart;
    candleRef.current = candles;
    volRef.current = volume;
    return () => {
      chart.remove();
      chartRef.current = null;
      candleRef.current = null;
      volRef.current = null;
      markersRef.current = null;
    };
  }, []);

  // Price precision follows the instrument.
  useEffect(() => {
    if (!inst) return;
    candleRef.current?.applyOptions({ priceFormat: { type: 'price', precision: inst.priceDecimals, minMove: inst.tickSize } });
  }, [inst]);

  // History for (symbol, interval), then live candles; refetched on reconnect (epoch).
  useEffect(() => {
    const series = candleRef.current;
    const volume = volRef.current;
    if (!symbol || !series || !volume || epoch === 0) return;
    let live = true;
    let ready = false;
    const buffered: CandleDto[] = [];
    lastBar.current = null;
    bars.current = [];
    setLatest(null);
    series.setData([]);
    volume.setData([]);
    setStatus('loading');
    setLoadedKey('');

    const apply = (c: CandleDto): void => {
      const last = lastBar.current;
      if (last && c.time < last.time) return; // the library refuses to rewrite older bars
      const list = bars.current;
      if (last && c.time === last.time) list[list.length - 1] = c;
      else list.push(c);
      if (list.length > MAX_BARS) {
        bars.current = list.slice(-KEEP_BARS);
        series.setData(bars.current.map(candleData));
        volume.setData(bars.current.map(volumeData));
      } else {
        series.update(candleData(c));
        volume.update(volumeData(c));
      }
      lastBar.current = { time: c.time, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume };
      setLatest(lastBar.current);
    };

    const off = onCandle((c) => {
      if (!live || c.symbol !== symbol || c.interval !== interval || !saneCandle(c)) return;
      if (!ready) {
        buffered.push(c);
        return;
      }
      apply(c);
      setStatus((s) => (s === 'empty' ? 'ready' : s));
    });

    call('market.candles', { symbol, interval, limit: HISTORY })
      .then((list) => {
        if (!live) return;
        const sorted = (Array.isArray(list) ? list : []).filter(saneCandle).sort((a, b) => a.time - b.time);
        // Deduplicate by time (keep the last).
        const dedup: CandleDto[] = [];
        for (const c of sorted) {
          if (dedup.length && dedup[dedup.length - 1]?.time === c.time) dedup[dedup.length - 1] = c;
          else dedup.push(c);
        }
        bars.current = dedup;
        series.setData(dedup.map(candleData));
        volume.setData(dedup.map(volumeData));
        const last = dedup[dedup.length - 1];
        lastBar.current = last ? { ...last } : null;
        setLatest(lastBar.current);
        ready = true;
        for (const c of buffered) apply(c);
        buffered.length = 0;
        setStatus(lastBar.current ? 'ready' : 'empty');
        setLoadedKey(`${symbol}:${interval}:${epoch}`);
        chartRef.current?.timeScale().scrollToRealTime();
      })
      .catch((err: unknown) => {
        if (!live) return;
        const e = errorText(err);
        ready = true;
        for (const c of buffered) apply(c);
        setStatus(lastBar.current ? 'ready' : 'error');
        if (e.code !== 'NOT_CONNECTED') console.warn(`candles ${symbol} ${interval}: ${e.code} ${e.message}`);
      });

    return () => {
      live = false;
      off();
    };
  }, [symbol, interval, epoch]);

  // The operator's fills as markers.
  useEffect(() => {
    const m = markersRef.current;
    if (!m) return;
    if (!symbol || !loadedKey) {
      m.setMarkers([]);
      setMarkerCount(0);
      return;
    }
    const mine = fills.filterNewest((f) => f.symbol === symbol, MARKER_FILLS);
    try {
      const markers = fillMarkers(mine, interval, inst?.qtyDecimals);
      m.setMarkers(markers);
      setMarkerCount(markers.length);
    } catch {
      // Markers are decoration; never let them break the chart.
    }
  }, [fillsRev, symbol, interval, loadedKey, inst]);

  const shown = legend ?? latest;
  const pd = inst?.priceDecimals;
  const chg = shown ? shown.close - shown.open : 0;

  return (
    <section className="panel chart" aria-label="Chart" aria-describedby={descId}>
      <p id={descId} className="sr-only">
        {latest
          ? `${symbol ?? ''} ${interval} candles, ${bars.current.length} bars, last bar ${fmtTime(latest.time)}: open ${fmtNum(latest.open, pd)}, high ${fmtNum(latest.high, pd)}, low ${fmtNum(latest.low, pd)}, close ${fmtNum(latest.close, pd)}. ${markerCount} fill marker${markerCount === 1 ? '' : 's'}.`
          : `${symbol ?? ''} ${interval} candles: none yet.`}
      </p>
      <header className="panel-head">
        <h2 className="panel-title">
          {symbol ?? 'Chart'} <span className="muted">· {interval}</span>
        </h2>
        <div
          className="seg"
          role="radiogroup"
          aria-label="Candle interval"
          onKeyDown={(e) => {
            if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
            e.preventDefault();
            const i = CANDLE_INTERVALS.indexOf(interval) + (e.key === 'ArrowRight' ? 1 : -1);
            const next = CANDLE_INTERVALS[(i + CANDLE_INTERVALS.length) % CANDLE_INTERVALS.length] ?? interval;
            setInterval_(next);
            (e.currentTarget.querySelector(`[data-iv="${next}"]`) as HTMLElement | null)?.focus();
          }}
        >
          {CANDLE_INTERVALS.map((iv) => (
            <button
              key={iv}
              type="button"
              role="radio"
              data-iv={iv}
              aria-checked={iv === interval}
              tabIndex={iv === interval ? 0 : -1}
              className={iv === interval ? 'on' : ''}
              onClick={() => setInterval_(iv)}
            >
              {iv}
            </button>
          ))}
        </div>
      </header>
      <div className="panel-body chart-body">
        <div ref={box} className="chart-canvas" />
        {/* Over the chart, like a trading chart's legend: the header has no room for it at 1280 px. */}
        <div className="ohlc chart-legend mono" aria-hidden="true">
          {shown && (
            <>
              <span className="muted">{fmtTime(shown.time)}</span>
              <span>
                O <b>{fmtNum(shown.open, pd)}</b>
              </span>
              <span>
                H <b>{fmtNum(shown.high, pd)}</b>
              </span>
              <span>
                L <b>{fmtNum(shown.low, pd)}</b>
              </span>
              <span>
                C <b className={chg >= 0 ? 'pos' : 'neg'}>{fmtNum(shown.close, pd)}</b>
              </span>
              <span>
                V <b>{fmtNum(shown.volume, inst?.qtyDecimals)}</b>
              </span>
            </>
          )}
        </div>
        {status !== 'ready' && (
          <div className="chart-overlay">
            {status === 'loading' ? 'Loading candles…' : status === 'empty' ? 'Waiting for the first candle…' : 'Candles unavailable'}
          </div>
        )}
      </div>
    </section>
  );
}
