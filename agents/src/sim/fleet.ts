import type { WeekHours } from '@storepulse/protocol';
import { Rng, deriveSeed } from './random.js';

/** A simulated store: what HQ would configure for it. The simulator's hidden traffic parameters are not here. */
export interface FleetStore {
  id: string;
  name: string;
  city: string;
  timezone: string;
  currency: string;
  tills: string[];
  hours: WeekHours;
  conversion: number;
  avgBasket: number;
}

interface City {
  city: string;
  timezone: string;
  districts: readonly string[];
}

interface Region {
  currency: string;
  /** Typical basket range in the currency. */
  basket: readonly [number, number];
  /** Whole-unit baskets where cents are not used in practice. */
  roundBasket: boolean;
  cities: readonly City[];
  hours: (rng: Rng) => WeekHours;
}

const week = (weekday: string | null, sat: string | null, sun: string | null): WeekHours => ({
  mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday, sat, sun,
});

// One region per currency, each in time zones of its own, so that taking regions in turn gives
// every fleet of three or more stores at least three currencies and three zones.
const REGIONS: readonly Region[] = [
  {
    currency: 'EUR', basket: [22, 60], roundBasket: false,
    cities: [
      { city: 'Madrid', timezone: 'Europe/Madrid', districts: ['Gran Vía', 'Salamanca', 'Chamberí', 'Arganzuela', 'Chamartín'] },
      { city: 'Barcelona', timezone: 'Europe/Madrid', districts: ['Diagonal', 'Gràcia', 'Sants', 'Eixample'] },
      { city: 'Valencia', timezone: 'Europe/Madrid', districts: ['Ruzafa', 'El Carmen', 'Campanar'] },
      { city: 'Berlin', timezone: 'Europe/Berlin', districts: ['Mitte', 'Kreuzberg', 'Charlottenburg'] },
    ],
    hours: (rng) => rng.chance(0.5) ? week('10:00-21:00', '10:00-21:00', null) : week('09:30-21:30', '09:30-21:30', '11:00-20:00'),
  },
  {
    currency: 'RUB', basket: [1500, 4500], roundBasket: true,
    cities: [
      { city: 'Moscow', timezone: 'Europe/Moscow', districts: ['Tverskaya', 'Arbat', 'Khamovniki', 'Sokolniki', 'Taganka'] },
      { city: 'Saint Petersburg', timezone: 'Europe/Moscow', districts: ['Nevsky', 'Vasilyevsky', 'Petrogradsky'] },
      { city: 'Novosibirsk', timezone: 'Asia/Novosibirsk', districts: ['Tsentralny', 'Akademgorodok'] },
      { city: 'Vladivostok', timezone: 'Asia/Vladivostok', districts: ['Svetlanskaya', 'Pervomaysky'] },
    ],
    hours: (rng) => rng.chance(0.15) ? week('00:00-24:00', '00:00-24:00', '00:00-24:00') : week('10:00-22:00', '10:00-22:00', '10:00-22:00'),
  },
  {
    currency: 'MXN', basket: [350, 1200], roundBasket: true,
    cities: [
      { city: 'Mexico City', timezone: 'America/Mexico_City', districts: ['Polanco', 'Condesa', 'Coyoacán', 'Roma Norte'] },
      { city: 'Guadalajara', timezone: 'America/Mexico_City', districts: ['Chapultepec', 'Providencia'] },
      { city: 'Monterrey', timezone: 'America/Monterrey', districts: ['San Pedro', 'Centro'] },
    ],
    hours: () => week('10:00-21:00', '10:00-21:00', '11:00-20:00'),
  },
  {
    currency: 'GBP', basket: [18, 50], roundBasket: false,
    cities: [
      { city: 'London', timezone: 'Europe/London', districts: ['Oxford Street', 'Camden', 'Canary Wharf', 'Brixton'] },
      { city: 'Manchester', timezone: 'Europe/London', districts: ['Arndale', 'Deansgate'] },
      { city: 'Edinburgh', timezone: 'Europe/London', districts: ['Princes Street', 'Leith'] },
    ],
    // Sunday trading rules cap large shops at six hours.
    hours: (rng) => week(rng.chance(0.5) ? '09:00-20:00' : '08:00-22:00', '09:00-20:00', '11:00-17:00'),
  },
  {
    currency: 'USD', basket: [25, 70], roundBasket: false,
    cities: [
      { city: 'New York', timezone: 'America/New_York', districts: ['SoHo', 'Midtown', 'Brooklyn Heights', 'Upper West Side'] },
      { city: 'Chicago', timezone: 'America/Chicago', districts: ['Loop', 'Wicker Park', 'Lincoln Park'] },
      { city: 'Los Angeles', timezone: 'America/Los_Angeles', districts: ['Santa Monica', 'Silver Lake', 'Downtown'] },
    ],
    hours: (rng) => rng.chance(0.1) ? week('00:00-24:00', '00:00-24:00', '00:00-24:00') : week('09:00-21:00', '09:00-21:00', '10:00-19:00'),
  },
];

/**
 * A fleet of stores in real cities, the same for the same seed. Regions are taken in a seeded
 * rotation, so any three consecutive stores have three currencies and three time zones.
 */
export function generateFleet(opts: { stores: number; tillsPerStore?: number; seed?: number }): FleetStore[] {
  const { stores, tillsPerStore } = opts;
  if (!Number.isInteger(stores) || stores < 0) throw new Error(`stores must be a whole number ≥ 0, got ${stores}`);
  if (tillsPerStore !== undefined && (!Number.isInteger(tillsPerStore) || tillsPerStore < 1 || tillsPerStore > 99)) {
    throw new Error(`tillsPerStore must be a whole number from 1 to 99, got ${tillsPerStore}`);
  }
  const seed = opts.seed ?? 1;
  const order = new Rng(deriveSeed(seed, 'regions')).shuffle(REGIONS);
  const width = Math.max(3, String(stores).length);
  const usedNames = new Map<string, number>();
  const fleet: FleetStore[] = [];
  for (let i = 0; i < stores; i++) {
    const id = `S${String(i + 1).padStart(width, '0')}`;
    const rng = new Rng(deriveSeed(seed, 'store', id));
    const region = order[i % order.length]!;
    const place = rng.pick(region.cities);
    const base = `${place.city} ${rng.pick(place.districts)}`;
    const seen = usedNames.get(base) ?? 0;
    usedNames.set(base, seen + 1);
    const tillCount = tillsPerStore ?? rng.int(2, 6);
    const basket = rng.between(region.basket[0], region.basket[1]);
    fleet.push({
      id,
      name: seen === 0 ? base : `${base} ${seen + 1}`,
      city: place.city,
      timezone: place.timezone,
      currency: region.currency,
      tills: Array.from({ length: tillCount }, (_, t) => `T${t + 1}`),
      hours: region.hours(rng),
      conversion: Math.round(rng.between(0.15, 0.35) * 1000) / 1000,
      avgBasket: region.roundBasket ? Math.round(basket) : Math.round(basket * 100) / 100,
    });
  }
  return fleet;
}
