import { useTranslation } from 'react-i18next';

/** Where a case is: coordinates (the big screen draws areas with MapLibre). */
export function PointMap({ lng, lat }: { lng: number; lat: number }) {
  const { t } = useTranslation();
  return (
    <p className="muted" data-testid="point">
      {t('case.coordinates')}: {lng.toFixed(5)}, {lat.toFixed(5)}
    </p>
  );
}
