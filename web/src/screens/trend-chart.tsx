import { useEffect, useRef } from 'react';

/** An ECharts line chart (loaded on demand) of daily series. */
export function TrendChart({ days, series, dark = false, height = 220 }: { days: string[]; series: Array<{ name: string; values: number[] }>; dark?: boolean; height?: number }) {
  const el = useRef<HTMLDivElement>(null);
  const chartRef = useRef<{ setOption(o: unknown): void; dispose(): void; resize(): void } | null>(null);
  useEffect(() => {
    let disposed = false;
    void import('echarts').then((echarts) => {
      if (disposed || !el.current) return;
      chartRef.current = echarts.init(el.current, dark ? 'dark' : undefined, { renderer: 'canvas' });
      chartRef.current.setOption(optionOf(days, series, dark));
    });
    const onResize = () => chartRef.current?.resize();
    window.addEventListener('resize', onResize);
    return () => {
      disposed = true;
      window.removeEventListener('resize', onResize);
      chartRef.current?.dispose();
      chartRef.current = null;
    };
    // The chart is created once per theme; data changes go through setOption below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dark]);
  useEffect(() => {
    chartRef.current?.setOption(optionOf(days, series, dark));
  }, [days, series, dark]);
  return <div ref={el} className="chart" style={{ height }} data-testid="trend-chart" />;
}

function optionOf(days: string[], series: Array<{ name: string; values: number[] }>, dark: boolean) {
  return {
    backgroundColor: 'transparent',
    tooltip: { trigger: 'axis' },
    legend: { data: series.map((s) => s.name), textStyle: { color: dark ? '#cfe3ff' : '#333' } },
    grid: { left: 40, right: 16, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: days.map((d) => d.slice(5)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: series.map((s) => ({ name: s.name, type: 'line', smooth: true, data: s.values })),
  };
}
