import { randomBytes } from "node:crypto";

/**
 * bcrypt ($2b$), small and dependency-free, for the htpasswd files of the test registry (distribution
 * accepts only bcrypt there, Node has no bcrypt, and neither htpasswd nor a Python bcrypt is guaranteed on
 * a fresh machine). Blowfish's initial P-array and S-boxes are the hex digits of pi, so they are computed
 * here (Machin's formula with BigInt) instead of pasted in as 1042 constants.
 */

const BCRYPT_BASE64 = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const WORDS = 18 + 4 * 256;

let piWords: Uint32Array | undefined;

function arctanInverse(x: bigint, one: bigint): bigint {
  const x2 = x * x;
  let term = one / x;
  let sum = term;
  for (let k = 1n; term !== 0n; k++) {
    term /= x2;
    sum += (k % 2n === 1n ? -term : term) / (2n * k + 1n);
  }
  return sum;
}

/** The first 1042 32-bit words of pi's fractional part: Blowfish's P-array then its four S-boxes. */
function blowfishInit(): Uint32Array {
  if (piWords) return piWords;
  const guard = 64n;
  const bits = BigInt(WORDS * 32) + guard;
  const one = 1n << bits;
  const pi = 16n * arctanInverse(5n, one) - 4n * arctanInverse(239n, one);
  const fraction = (pi - 3n * one) >> guard;
  const hex = fraction.toString(16).padStart(WORDS * 8, "0");
  piWords = new Uint32Array(WORDS);
  for (let i = 0; i < WORDS; i++) piWords[i] = Number.parseInt(hex.slice(i * 8, i * 8 + 8), 16);
  return piWords;
}

class Blowfish {
  readonly p: Uint32Array;
  readonly s: Uint32Array;

  constructor() {
    const init = blowfishInit();
    this.p = init.slice(0, 18);
    this.s = init.slice(18);
  }

  private f(x: number): number {
    const s = this.s;
    const h = ((s[x >>> 24] as number) + (s[256 | ((x >>> 16) & 0xff)] as number)) >>> 0;
    return ((h ^ (s[512 | ((x >>> 8) & 0xff)] as number)) + (s[768 | (x & 0xff)] as number)) >>> 0;
  }

  encipher(lr: Uint32Array, off: number): void {
    const p = this.p;
    let l = (lr[off] as number) ^ (p[0] as number);
    let r = lr[off + 1] as number;
    for (let i = 0; i <= 14; i += 2) {
      r = (r ^ this.f(l) ^ (p[i + 1] as number)) >>> 0;
      l = (l ^ this.f(r) ^ (p[i + 2] as number)) >>> 0;
    }
    lr[off] = (r ^ (p[17] as number)) >>> 0;
    lr[off + 1] = l >>> 0;
  }

  /** Eksblowfish's ExpandKey; without `salt`, the plain key schedule used in the expensive loop. */
  expand(key: Uint8Array, salt?: Uint8Array): void {
    const keyStream = wordStream(key);
    for (let i = 0; i < 18; i++) this.p[i] = ((this.p[i] as number) ^ keyStream()) >>> 0;
    const saltStream = salt ? wordStream(salt) : () => 0;
    const lr = new Uint32Array(2);
    const fill = (target: Uint32Array) => {
      for (let i = 0; i < target.length; i += 2) {
        lr[0] = ((lr[0] as number) ^ saltStream()) >>> 0;
        lr[1] = ((lr[1] as number) ^ saltStream()) >>> 0;
        this.encipher(lr, 0);
        target[i] = lr[0] as number;
        target[i + 1] = lr[1] as number;
      }
    };
    fill(this.p);
    fill(this.s);
  }
}

/** Big-endian 32-bit words read cyclically from bytes. */
function wordStream(bytes: Uint8Array): () => number {
  let offset = 0;
  return () => {
    let word = 0;
    for (let i = 0; i < 4; i++) {
      word = ((word << 8) | (bytes[offset] as number)) >>> 0;
      offset = (offset + 1) % bytes.length;
    }
    return word;
  };
}

function encode(bytes: Uint8Array, length: number): string {
  let out = "";
  for (let i = 0; i < length; ) {
    const c1 = bytes[i++] as number;
    out += BCRYPT_BASE64[c1 >> 2];
    if (i >= length) {
      out += BCRYPT_BASE64[(c1 & 0x03) << 4];
      break;
    }
    const c2 = bytes[i++] as number;
    out += BCRYPT_BASE64[((c1 & 0x03) << 4) | (c2 >> 4)];
    if (i >= length) {
      out += BCRYPT_BASE64[(c2 & 0x0f) << 2];
      break;
    }
    const c3 = bytes[i++] as number;
    out += BCRYPT_BASE64[((c2 & 0x0f) << 2) | (c3 >> 6)];
    out += BCRYPT_BASE64[c3 & 0x3f];
  }
  return out;
}

function decode(text: string, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let bits = 0;
  let value = 0;
  let n = 0;
  for (const ch of text) {
    const index = BCRYPT_BASE64.indexOf(ch);
    if (index < 0) throw new Error(`invalid bcrypt base64 character "${ch}"`);
    value = (value << 6) | index;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (n < length) out[n++] = (value >> bits) & 0xff;
    }
  }
  return out;
}

/** bcrypt of `password` with a `$2a$`/`$2b$` setting string (`$2b$05$` + 22 salt characters). */
export function bcryptWithSalt(password: string, setting: string): string {
  const match = /^\$2([ab])\$(\d\d)\$([./A-Za-z0-9]{22})/.exec(setting);
  if (!match) throw new Error(`invalid bcrypt setting "${setting}"`);
  const cost = Number(match[2]);
  const saltText = match[3] as string;
  const salt = decode(saltText, 16);
  const key = new Uint8Array([...Buffer.from(password, "utf8").subarray(0, 71), 0]);
  const state = new Blowfish();
  state.expand(key, salt);
  for (let round = 0; round < 2 ** cost; round++) {
    state.expand(key);
    state.expand(salt);
  }
  const ctext = wordStream(Buffer.from("OrpheanBeholderScryDoubt"));
  const words = new Uint32Array(6).map(() => ctext());
  for (let i = 0; i < 64; i++) for (let j = 0; j < 6; j += 2) state.encipher(words, j);
  const out = new Uint8Array(24);
  words.forEach((word, i) => {
    out[i * 4] = word >>> 24;
    out[i * 4 + 1] = (word >>> 16) & 0xff;
    out[i * 4 + 2] = (word >>> 8) & 0xff;
    out[i * 4 + 3] = word & 0xff;
  });
  return `$2${match[1]}$${match[2]}$${saltText}${encode(out, 23)}`;
}

/** A fresh bcrypt hash; a low cost keeps the registry's per-request check cheap in tests. */
export function bcryptHash(password: string, cost = 5): string {
  const salt = encode(randomBytes(16), 16);
  return bcryptWithSalt(password, `$2b$${String(cost).padStart(2, "0")}$${salt}`);
}
