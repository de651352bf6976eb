export interface Base {
  name: string;
  mime: string;
  bytes: Buffer;
}
export interface FuzzMutant extends Base {
  base: string;
  op: string;
  index: number;
}
export function prng(seed: number): { next(): number; int(n: number): number; pick<T>(list: T[]): T };
export function makeBases(dir: string): Base[];
export function structureOffsets(bytes: Buffer): number[];
export const OPERATOR_NAMES: string[];
export function makeMutants(bases: Base[], seed: number, count: number, first?: number): FuzzMutant[];
