import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Map as MapLibreMap, GeoJSONSource } from 'maplibre-gl';
import { api, qs } from '../api.ts';

type Collection = { type: 'FeatureCollection'; features: Array<{ type: 'Feature'; geometry: unknown; properties: Record<string, unknown> }> };
const EMPTY: Collection = { type: 'FeatureCollection', features: [] };

/** MapLibre with GeoJSON layers only (no online tiles): area boundaries, an optional heat layer and a picked point. */
export function AreaMap({ level = 'district', onPick, point, heat, height = 260, dark = false }: {
  level?: 'district' | 'street' | 'community' | 'grid';
  onPick?: (p: { lng: number; lat: number }) => void;
  point?: { lng: number; lat: number } | null;
  heat?: Collection;
  height?: number;
  dark?: boolean;
}) {
  const { t } = useTranslation();
  const el = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const pickRef = useRef(onPick);
  useEffect(() => {
    pickRef.current = onPick;
  });
  const [failed, setFailed] = useState<string | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    let cancelled = false;
    let map: MapLibreMap | null = null;
    (async () => {
      // Loaded on demand: the map library is most of the bundle and only some screens need it.
      const [maplibre, { default: workerUrl }, areas] = await Promise.all([
        import('maplibre-gl'),
        import('maplibre-gl/dist/maplibre-gl-worker.mjs?url'),
        api<Collection>(`/api/v1/places/areas.geojson${qs({ level })}`),
        import('maplibre-gl/dist/maplibre-gl.css'),
      ]);
      if (cancelled || !el.current) return;
      // A Vite build hashes the worker file: tell MapLibre where it is.
      maplibre.setWorkerUrl(workerUrl);
      const bounds = boundsOf(areas);
      const created = new maplibre.Map({
        container: el.current,
        style: {
          version: 8,
          sources: {
            areas: { type: 'geojson', data: areas as never },
            heat: { type: 'geojson', data: EMPTY as never },
            point: { type: 'geojson', data: EMPTY as never },
          },
          layers: [
            { id: 'bg', type: 'background', paint: { 'background-color': dark ? '#0b1626' : '#eef2f6' } },
            { id: 'areas-fill', type: 'fill', source: 'areas', paint: { 'fill-color': dark ? '#12304f' : '#dce6f0', 'fill-opacity': 0.6 } },
            { id: 'heat', type: 'fill', source: 'heat', paint: { 'fill-color': ['interpolate', ['linear'], ['get', 'count'], 1, '#ffd166', 5, '#f77f00', 20, '#d62828'], 'fill-opacity': 0.75 } },
            { id: 'areas-line', type: 'line', source: 'areas', paint: { 'line-color': dark ? '#4aa3ff' : '#5b7896', 'line-width': 1 } },
            { id: 'point', type: 'circle', source: 'point', paint: { 'circle-radius': 7, 'circle-color': '#d62828', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } },
          ],
        },
        bounds: bounds ?? undefined,
        fitBoundsOptions: { padding: 10 },
        attributionControl: false,
      });
      created.on('click', (e) => pickRef.current?.({ lng: Number(e.lngLat.lng.toFixed(6)), lat: Number(e.lngLat.lat.toFixed(6)) }));
      created.on('load', () => !cancelled && setReady(true));
      map = created;
      mapRef.current = created;
    })().catch((err: unknown) => !cancelled && setFailed(err instanceof Error ? err.message : String(err)));
    return () => {
      cancelled = true;
      map?.remove();
      mapRef.current = null;
      setReady(false);
    };
  }, [level, dark]);

  useEffect(() => {
    if (!ready || !mapRef.current) return;
    const src = mapRef.current.getSource('point') as GeoJSONSource | undefined;
    src?.setData(point ? { type: 'Feature', geometry: { type: 'Point', coordinates: [point.lng, point.lat] }, properties: {} } : (EMPTY as never));
  }, [point, ready]);

  useEffect(() => {
    if (!ready || !mapRef.current) return;
    (mapRef.current.getSource('heat') as GeoJSONSource | undefined)?.setData((heat ?? EMPTY) as never);
  }, [heat, ready]);

  if (failed) return <p className="muted small map-fallback" data-testid="map-unavailable">{t('map.unavailable')}</p>;
  return <div ref={el} className="map" style={{ height }} data-testid="area-map" data-ready={ready ? 'yes' : 'no'} title={onPick ? t('map.clickToPick') : undefined} />;
}

function boundsOf(fc: Collection): [number, number, number, number] | null {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = c as [number, number];
      minX = Math.min(minX, x); minY = Math.min(minY, y); maxX = Math.max(maxX, x); maxY = Math.max(maxY, y);
    } else if (Array.isArray(c)) c.forEach(walk);
  };
  for (const f of fc.features) walk((f.geometry as { coordinates?: unknown } | null)?.coordinates);
  return Number.isFinite(minX) ? [minX, minY, maxX, maxY] : null;
}
