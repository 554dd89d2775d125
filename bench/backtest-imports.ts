/**
 * The backtest runs the server's estimator in-process (the simulator comes from @storepulse/agents). The server
 * package does not export its domain modules, so they are loaded from its build output; the types come from the
 * sources through the project references.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Revenue from '../server/src/domain/revenue/index.js';
import type * as TillStates from '../server/src/domain/till-state.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const load = async <T>(path: string): Promise<T> => (await import(pathToFileURL(resolve(repo, path)).href)) as T;

export const revenue = await load<typeof Revenue>('server/dist/domain/revenue/index.js');
export const tillStates = await load<typeof TillStates>('server/dist/domain/till-state.js');

export type { CapacitySegment, FootfallBin, SalesBin, LossEstimate, WindowStore } from '../server/src/domain/revenue/index.js';
