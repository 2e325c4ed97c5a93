import { useEffect, useRef } from 'react';

/** An ECharts line chart (loaded on demand) of daily series. */
export function TrendChart({ days, series, dark = false, height = 220 }: { days: string[]; series: Array<{ name: string; values: number[] }>; dark?: boolean; height?: number }) {
  const el = useRef<HTMLDivElement>(null);
  const chartRef = useRef<{ setOption(o: unknown): void; dispose(): void; resize(): void } | null>(null);
  // The data as of the last render: the chart library may arrive after it.
  const latest = useRef(optionOf(days, series, dark));
  useEffect(() => {
    latest.current = optionOf(days, series, dark);
    chartRef.current?.setOption(latest.current);
  }, [days, series, dark]);
  useEffect(() => {
    let disposed = false;
    void import('./echarts-lite.ts').then(({ echarts }) => {
      if (disposed || !el.current) return;
      chartRef.current = echarts.init(el.current, undefined, { renderer: 'canvas' });
      chartRef.current.setOption(latest.current);
    });
    const onResize = () => chartRef.current?.resize();
    window.addEventListener('resize', onResize);
    return () => {
      disposed = true;
      window.removeEventListener('resize', onResize);
      chartRef.current?.dispose();
      chartRef.current = null;
    };
  }, [dark]);
  return <div ref={el} className="chart" style={{ height }} data-testid="trend-chart" />;
}

function optionOf(days: string[], series: Array<{ name: string; values: number[] }>, dark: boolean) {
  return {
    backgroundColor: 'transparent',
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: series.map((s) => s.name), textStyle: { color: dark ? '#cfe3ff' : '#333' } },
    grid: { left: 40, right: 16, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: days.map((d) => d.slice(5)), axisLabel: { color: dark ? '#8fb3d9' : '#5f6f80' } },
    yAxis: { type: 'value', minInterval: 1, axisLabel: { color: dark ? '#8fb3d9' : '#5f6f80' }, splitLine: { lineStyle: { color: dark ? '#1d3a5f' : '#e5e9ef' } } },
    series: series.map((s) => ({ name: s.name, type: 'line', smooth: true, data: s.values })),
  };
}
