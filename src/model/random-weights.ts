/**
 * Deterministic pseudo-random F32 weights, fast enough to stream several GiB: xorshift32 seeded through
 * splitmix32, its bits written straight into the float's sign and mantissa with a fixed exponent, so every
 * value is ±[2^-7, 2^-6) (small enough that activations stay finite through many blocks) and no
 * float arithmetic runs per element.
 */

const EXPONENT_BITS = 0x3c000000;
const SIGN_AND_MANTISSA = 0x807fffff;

/** splitmix32: spreads a (seed, stream) pair into a well-mixed, non-zero xorshift state. */
export function mixSeed(seed: number, stream: number): number {
  let z = (seed ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  z = (z ^ (z >>> 16)) >>> 0;
  return z === 0 ? 0x6d2b79f5 : z;
}

/** A stateful filler: each call continues the same stream, so chunk boundaries do not change the values. */
export function randomFloatFiller(state: number): (view: Float32Array) => void {
  let x = state >>> 0;
  return (view) => {
    const bits = new Uint32Array(view.buffer, view.byteOffset, view.length);
    for (let i = 0; i < bits.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      bits[i] = (x & SIGN_AND_MANTISSA) | EXPONENT_BITS;
    }
  };
}
