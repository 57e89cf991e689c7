import type { IChartApi } from 'lightweight-charts';

/**
 * Shows the whole history once the chart has its size (with autoSize the chart is measured after it
 * is built, so a fitContent at build time fits a width it may not have yet); after that,
 * lockVisibleTimeRangeOnResize keeps the whole range on later resizes. The charts that use it set
 * a small minBarSpacing: at the library's default of 0.5 px a bar, a 450 px chart holds ~900 bars,
 * and a 20-year daily run (5,036 bars) opened on its last 3.5 years.
 */
export function fitWhenSized(chart: IChartApi): void {
  const ts = chart.timeScale();
  ts.fitContent();
  const onSize = (width: number): void => {
    if (!(width > 0)) return;
    ts.unsubscribeSizeChange(onSize);
    ts.fitContent();
  };
  ts.subscribeSizeChange(onSize);
}
