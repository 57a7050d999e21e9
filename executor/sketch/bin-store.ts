// A DDSketch store: bin counts for a contiguous range of keys in one Float64Array that grows
// both ways, so adding a value is an index computation and an add.
export class BinStore {
  /** Key of counts[0]. */
  private offset = 0
  private counts = new Float64Array(0)
  private low = Infinity
  private high = -Infinity
  total = 0

  add(key: number, count: number): void {
    if (key < this.offset || key >= this.offset + this.counts.length) this.grow(key)
    this.counts[key - this.offset]! += count
    this.total += count
    if (key < this.low) this.low = key
    if (key > this.high) this.high = key
  }

  /**
   * Adds `other`'s bins array to array: one range check, then a loop over its key range (bins
   * in the same order and with the same totals as adding them one at a time).
   */
  merge(other: BinStore): void {
    if (other.low > other.high) return
    this.reserve(other.low, other.high)
    const source = other.counts
    const shift = other.offset
    const target = this.counts
    const base = this.offset
    let total = this.total
    for (let key = other.low; key <= other.high; key++) {
      const count = source[key - shift]!
      if (count > 0) {
        target[key - base]! += count
        total += count
      }
    }
    this.total = total
    if (other.low < this.low) this.low = other.low
    if (other.high > this.high) this.high = other.high
  }

  /**
   * Adds counts[0 .. length) as the bins of keys firstKey, firstKey + 1, ... (a decoded
   * contiguous store); zero counts add nothing, as add() would not be called for them.
   */
  addRun(firstKey: number, counts: Float64Array, length: number): void {
    let first = 0
    while (first < length && !(counts[first]! > 0)) first++
    if (first === length) return
    let last = length - 1
    while (!(counts[last]! > 0)) last--
    this.reserve(firstKey + first, firstKey + last)
    const target = this.counts
    const base = firstKey - this.offset
    let total = this.total
    for (let i = first; i <= last; i++) {
      const count = counts[i]!
      if (count > 0) {
        target[base + i]! += count
        total += count
      }
    }
    this.total = total
    if (firstKey + first < this.low) this.low = firstKey + first
    if (firstKey + last > this.high) this.high = firstKey + last
  }

  countAt(key: number): number {
    return this.counts[key - this.offset] ?? 0
  }

  /** The lowest and highest keys ever added (minKey > maxKey when empty). */
  range(): { minKey: number; maxKey: number } {
    return { minKey: this.low, maxKey: this.high }
  }

  minKey(): number {
    return this.low
  }

  maxKey(): number {
    return this.high
  }

  /** Calls `visit` for each bin with a count, lowest key first. */
  forEachBin(visit: (key: number, count: number) => void): void {
    for (let key = this.low; key <= this.high; key++) {
      const count = this.counts[key - this.offset]!
      if (count > 0) visit(key, count)
    }
  }

  /**
   * The key of the bin holding rank `rank` (0-based): the first bin whose running count
   * passes it (lower) or reaches rank + 1 (upper), as Datadog's stores answer.
   */
  keyAtRank(rank: number, lower: boolean): number {
    let running = 0
    for (let key = this.low; key <= this.high; key++) {
      running += this.counts[key - this.offset]!
      if (lower ? running > rank : running >= rank + 1) return key
    }
    return this.high
  }

  /** Makes keys low .. high addressable, growing at most once. */
  private reserve(low: number, high: number): void {
    const end = this.offset + this.counts.length
    if (low >= this.offset && high < end) return
    if (this.counts.length === 0) {
      // Room for the whole range and as much again, centred: later merges rarely grow it.
      const span = high - low + 1
      this.counts = new Float64Array(Math.max(128, 2 * span))
      this.offset = low - ((this.counts.length - span) >> 1)
      return
    }
    const from = Math.min(low, this.offset)
    const to = Math.max(high + 1, end)
    const span = to - from
    if (span > 1 << 24) throw new RangeError('a ddsketch store spans more than 2^24 bins')
    const length = Math.max(span + 64, this.counts.length * 2)
    // The room to spare goes to the side(s) that grew.
    const spare = length - span
    const newOffset = low >= this.offset ? from : high < end ? from - spare : from - (spare >> 1)
    const grown = new Float64Array(length)
    grown.set(this.counts, this.offset - newOffset)
    this.counts = grown
    this.offset = newOffset
  }

  private grow(key: number): void {
    if (this.counts.length === 0) {
      this.counts = new Float64Array(128)
      this.offset = key - 64
      return
    }
    const low = Math.min(key, this.offset)
    const high = Math.max(key + 1, this.offset + this.counts.length)
    const span = high - low
    if (span > 1 << 24) throw new RangeError('a ddsketch store spans more than 2^24 bins')
    const length = Math.max(span + 64, this.counts.length * 2)
    const newOffset = key < this.offset ? high - length : low
    const grown = new Float64Array(length)
    grown.set(this.counts, this.offset - newOffset)
    this.counts = grown
    this.offset = newOffset
  }
}
