// A hash map from raw cell bytes to a code, so repeated category values never become JS strings:
// a cell costs one hash over its bytes and one byte comparison. Only a new value is decoded.
// Entries are packed [hash, offset, length, code] in one Int32Array for memory locality.

export const NOT_FOUND = -2;

export class ByteDict {
  private slots: Int32Array;
  private mask: number;
  // Small at first (they double as values come): a file of 100,000 columns has 100,000 of these.
  private entries = new Int32Array(8 * 4);
  private arena = new Uint8Array(256);
  private arenaLen = 0;
  size = 0;

  constructor() {
    this.slots = new Int32Array(16).fill(-1);
    this.mask = 15;
  }

  static hash(buf: Uint8Array, s: number, e: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    return h ^ (h >>> 15);
  }

  /** The code stored for buf[s..e) with hash h, or NOT_FOUND. */
  get(buf: Uint8Array, s: number, e: number, h: number): number {
    const len = e - s;
    const arena = this.arena;
    const ent = this.entries;
    const slots = this.slots;
    const mask = this.mask;
    let slot = h & mask;
    for (;;) {
      const k = slots[slot];
      if (k < 0) return NOT_FOUND;
      const b = k << 2;
      if (ent[b] === h && ent[b + 2] === len) {
        let o = ent[b + 1];
        let i = s;
        while (i < e && arena[o] === buf[i]) {
          i++;
          o++;
        }
        if (i === e) return ent[b + 3];
      }
      slot = (slot + 1) & mask;
    }
  }

  set(buf: Uint8Array, s: number, e: number, h: number, code: number): void {
    const len = e - s;
    const k = this.size;
    if ((k << 2) === this.entries.length) {
      const b = new Int32Array(this.entries.length * 2);
      b.set(this.entries);
      this.entries = b;
    }
    if (this.arenaLen + len > this.arena.length) {
      const a = new Uint8Array(Math.max(this.arena.length * 2, this.arenaLen + len));
      a.set(this.arena.subarray(0, this.arenaLen));
      this.arena = a;
    }
    this.arena.set(buf.subarray(s, e), this.arenaLen);
    const b = k << 2;
    this.entries[b] = h;
    this.entries[b + 1] = this.arenaLen;
    this.entries[b + 2] = len;
    this.entries[b + 3] = code;
    this.arenaLen += len;
    this.size++;
    if (this.size * 2 > this.slots.length) this.rehash();
    else this.place(k);
  }

  private place(k: number): void {
    let slot = this.entries[k << 2] & this.mask;
    while (this.slots[slot] >= 0) slot = (slot + 1) & this.mask;
    this.slots[slot] = k;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    this.mask = this.slots.length - 1;
    for (let k = 0; k < this.size; k++) this.place(k);
  }
}
