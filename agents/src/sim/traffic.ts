/**
 * Footfall shape of a typical high-street store: quiet mornings, a lunch peak and an after-work
 * peak, busier Fridays and Saturdays. Values are relative to the store's peak hour.
 */
const HOURLY = [
  0.03, 0.02, 0.02, 0.02, 0.02, 0.04, 0.08, 0.18, 0.35, 0.5, 0.62, 0.75,
  0.92, 1.0, 0.9, 0.78, 0.8, 0.92, 1.0, 0.9, 0.7, 0.5, 0.3, 0.12,
];
/** Monday first. */
const WEEKDAY = [0.85, 0.85, 0.9, 0.95, 1.1, 1.3, 1.0];

/** Relative footfall at a local hour (fractional) and weekday (0 = Monday), interpolated between hours. */
export function trafficShape(hour: number, weekday: number): number {
  const h = Math.floor(hour) % 24;
  const frac = hour - Math.floor(hour);
  const a = HOURLY[h]!;
  const b = HOURLY[(h + 1) % 24]!;
  return (a + (b - a) * frac) * WEEKDAY[weekday]!;
}
