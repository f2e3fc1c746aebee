// Geofence tests on WGS 84 positions. Pure.
// Circle: great-circle distance by the haversine formula on a sphere of the IUGG mean Earth radius (error < 0.5 %,
// far below GPS noise at warehouse scale). Polygon: even-odd ray casting on (lon, lat) treated as plane
// coordinates — exact enough for the small fences warehouses draw; fences must not cross the antimeridian.
import type { Geofence, LatLon } from '../../contracts/covenants.js';

/** IUGG mean Earth radius, metres. */
export const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number): number => (deg * Math.PI) / 180;

/** Great-circle distance in metres (haversine). */
export function distanceM(a: LatLon, b: LatLon): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Even-odd rule; a point on an edge may fall either side (GPS noise dwarfs it). */
export function insidePolygon(p: LatLon, points: readonly LatLon[]): boolean {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const a = points[i]!;
    const b = points[j]!;
    if (a.lat > p.lat !== b.lat > p.lat && p.lon < ((b.lon - a.lon) * (p.lat - a.lat)) / (b.lat - a.lat) + a.lon) inside = !inside;
  }
  return inside;
}

export function insideGeofence(fence: Geofence, p: LatLon): boolean {
  return fence.shape === 'circle' ? distanceM(fence.center, p) <= fence.radiusM : insidePolygon(p, fence.points);
}
