import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_SIDE, newClientId, scaledSize } from './photos';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('photos on the device', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('scales the longest side down to 1600 px, keeping the shape, and never up', () => {
    expect(scaledSize(6000, 4000)).toEqual({ width: MAX_SIDE, height: 1067 });
    expect(scaledSize(3000, 4000)).toEqual({ width: 1200, height: MAX_SIDE });
    expect(scaledSize(800, 600)).toEqual({ width: 800, height: 600 });
    expect(scaledSize(20000, 3)).toEqual({ width: MAX_SIDE, height: 1 });
  });

  it('makes v4 UUIDs also where crypto.randomUUID is missing (plain-HTTP intranet)', () => {
    expect(newClientId()).toMatch(UUID_V4);
    const real = globalThis.crypto;
    vi.stubGlobal('crypto', { getRandomValues: (a: Uint8Array) => real.getRandomValues(a) });
    const ids = new Set(Array.from({ length: 50 }, () => newClientId()));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(UUID_V4);
  });
});
