// geohash_helper.c: the search shape (a radius or a box around a point), the nine geohash cells
// Redis searches for it, and its distances: the haversine on a sphere of radius 6372797.560856 m.
// Distances go through the JS engine's sin/cos/asin, which (like Redis's libm) are not correctly
// rounded; see the README on what that means for replies.
import { geohashDecode, geohashEncode, geohashNeighbors, GEO_STEP_MAX, NO_HASH, type GeoArea, type GeoHash } from './geohash.js';

const D_R = Math.PI / 180.0;
export const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;

const degRad = (angle: number) => angle * D_R;
const radDeg = (angle: number) => angle / D_R;

export type GeoShape =
  | { readonly type: 'radius'; readonly longitude: number; readonly latitude: number; readonly conversion: number; readonly radius: number }
  | { readonly type: 'box'; readonly longitude: number; readonly latitude: number; readonly conversion: number; readonly width: number; readonly height: number };

/** geohashEstimateStepsByRadius: the step whose cells are about the size of the search. */
export function estimateSteps(rangeMeters: number, latitude: number): number {
  if (rangeMeters === 0) return GEO_STEP_MAX;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  // Wider towards the poles.
  if (latitude > 66 || latitude < -66) {
    step--;
    if (latitude > 80 || latitude < -80) step--;
  }
  return Math.min(Math.max(step, 1), GEO_STEP_MAX);
}

/** geohashBoundingBox: [min longitude, min latitude, max longitude, max latitude]. */
export function boundingBox(shape: GeoShape): [number, number, number, number] {
  const { longitude, latitude, conversion } = shape;
  const height = conversion * (shape.type === 'radius' ? shape.radius : shape.height / 2);
  const width = conversion * (shape.type === 'radius' ? shape.radius : shape.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const longDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(latitude + latDelta)));
  const longDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(latitude - latDelta)));
  // The box is widest at the edge nearer the equator.
  const longDelta = latitude < 0 ? longDeltaBottom : longDeltaTop;
  return [longitude - longDelta, latitude - latDelta, longitude + longDelta, latitude + latDelta];
}

export interface SearchAreas {
  /** The centre cell, then north, south, east, west, north-east, north-west, south-east, south-west. */
  readonly cells: readonly GeoHash[];
}

/** geohashCalculateAreasByShapeWGS84: the centre cell and those of its neighbours still needed. */
export function searchAreas(shape: GeoShape): SearchAreas {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(shape);
  const { longitude, latitude } = shape;
  const radiusMeters =
    (shape.type === 'radius' ? shape.radius : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2))) * shape.conversion;
  let steps = estimateSteps(radiusMeters, latitude);
  const around = (step: number) => {
    const hash = geohashEncode(longitude, latitude, step)!;
    return { hash, neighbors: geohashNeighbors(hash), area: geohashDecode(hash) };
  };
  let { hash, neighbors, area } = around(steps);
  // A cell too small for the search near its edge: one step coarser.
  const decrease =
    geohashDecode(neighbors.north).latitude.max < maxLat ||
    geohashDecode(neighbors.south).latitude.min > minLat ||
    geohashDecode(neighbors.east).longitude.max < maxLon ||
    geohashDecode(neighbors.west).longitude.min > minLon;
  if (steps > 1 && decrease) {
    steps--;
    ({ hash, neighbors, area } = around(steps));
  }
  let { north, south, east, west, northEast, northWest, southEast, southWest } = neighbors;
  if (steps >= 2) {
    const outside = (a: GeoArea) => ({
      south: a.latitude.min < minLat,
      north: a.latitude.max > maxLat,
      west: a.longitude.min < minLon,
      east: a.longitude.max > maxLon,
    });
    const o = outside(area);
    if (o.south) [south, southWest, southEast] = [NO_HASH, NO_HASH, NO_HASH];
    if (o.north) [north, northEast, northWest] = [NO_HASH, NO_HASH, NO_HASH];
    if (o.west) [west, southWest, northWest] = [NO_HASH, NO_HASH, NO_HASH];
    if (o.east) [east, southEast, northEast] = [NO_HASH, NO_HASH, NO_HASH];
  }
  return { cells: [hash, north, south, east, west, northEast, northWest, southEast, southWest] };
}

/** geohashGetLatDistance: along a meridian, where the haversine reduces to the angle. */
function latDistance(lat1: number, lat2: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2) - degRad(lat1));
}

/** geohashGetDistance: the haversine great-circle distance in meters. */
export function geoDistance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const lon1r = degRad(lon1);
  const lon2r = degRad(lon2);
  const v = Math.sin((lon2r - lon1r) / 2);
  if (v === 0.0) return latDistance(lat1, lat2);
  const lat1r = degRad(lat1);
  const lat2r = degRad(lat2);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
}

/**
 * geoWithinShape's test: the distance from the shape's centre to the point if the point is in
 * the shape (a box checks latitude, then longitude along the point's parallel), else null.
 */
export function distanceIfWithin(shape: GeoShape, lon: number, lat: number): number | null {
  if (shape.type === 'radius') {
    const distance = geoDistance(shape.longitude, shape.latitude, lon, lat);
    return distance > shape.radius * shape.conversion ? null : distance;
  }
  const width = shape.width * shape.conversion;
  const height = shape.height * shape.conversion;
  if (latDistance(lat, shape.latitude) > height / 2) return null;
  if (geoDistance(lon, lat, shape.longitude, lat) > width / 2) return null;
  return geoDistance(shape.longitude, shape.latitude, lon, lat);
}
