// Runtime file, copied verbatim: a portable point in time with
// google.protobuf.Timestamp semantics.

const NANOS_PER_SECOND = 1_000_000_000;
const MIN_SECONDS = -62_135_596_800n; // 0001-01-01T00:00:00Z
const MAX_SECONDS = 253_402_300_799n; // 9999-12-31T23:59:59Z

/**
 * Seconds and nanoseconds since 1970-01-01T00:00:00Z (UTC).
 *
 * Valid from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z with
 * `0 <= nanos < 1e9`; an event's `validate()` reports other values.
 */
export class Timestamp {
  /** Whole seconds since the epoch (int64). */
  readonly seconds: bigint;
  /** Nanoseconds within the second (int32, 0 to 999,999,999 when valid). */
  readonly nanos: number;

  /** Throws a RangeError unless both are integers. */
  constructor(seconds: bigint | number, nanos: number = 0) {
    if (typeof seconds === "number" && !Number.isSafeInteger(seconds)) {
      throw new RangeError(`Timestamp seconds must be an integer, got ${seconds}`);
    }
    if (!Number.isInteger(nanos)) throw new RangeError(`Timestamp nanos must be an integer, got ${nanos}`);
    this.seconds = BigInt(seconds);
    this.nanos = nanos;
  }

  /** The current time of the system clock (millisecond resolution). */
  static now(): Timestamp {
    return Timestamp.fromEpochMillis(Date.now());
  }

  /** From milliseconds since the epoch; a fraction of a millisecond is kept to the nanosecond. */
  static fromEpochMillis(millis: number | bigint): Timestamp {
    if (typeof millis === "bigint") {
      const seconds = floorDiv(millis, 1000n);
      return new Timestamp(seconds, Number(millis - seconds * 1000n) * 1_000_000);
    }
    if (!Number.isFinite(millis)) throw new RangeError(`not a time: ${millis}`);
    const seconds = Math.floor(millis / 1000);
    const nanos = Math.min(Math.round((millis - seconds * 1000) * 1_000_000), NANOS_PER_SECOND - 1);
    return new Timestamp(seconds, nanos);
  }

  /** From nanoseconds since the epoch. */
  static fromEpochNanos(nanos: bigint): Timestamp {
    const seconds = floorDiv(nanos, 1_000_000_000n);
    return new Timestamp(seconds, Number(nanos - seconds * 1_000_000_000n));
  }

  /** From a Date; throws a RangeError for an invalid Date. */
  static fromDate(date: Date): Timestamp {
    const millis = date.getTime();
    if (Number.isNaN(millis)) throw new RangeError("invalid Date");
    return Timestamp.fromEpochMillis(millis);
  }

  /** Whether it lies in 0001-01-01T00:00:00Z ..= 9999-12-31T23:59:59.999999999Z. */
  get isValid(): boolean {
    return (
      this.seconds >= MIN_SECONDS &&
      this.seconds <= MAX_SECONDS &&
      this.nanos >= 0 &&
      this.nanos < NANOS_PER_SECOND
    );
  }

  /** Milliseconds since the epoch (sub-millisecond nanos are dropped). */
  toEpochMillis(): number {
    return Number(this.seconds) * 1000 + Math.floor(this.nanos / 1_000_000);
  }

  /** A Date (millisecond resolution). */
  toDate(): Date {
    return new Date(this.toEpochMillis());
  }

  /** RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits; throws a RangeError when invalid. */
  toRfc3339(): string {
    if (!this.isValid) throw new RangeError(`${this.describe()} is outside the Timestamp range`);
    // Date covers years 1 to 9999 exactly; toISOString gives YYYY-MM-DDTHH:MM:SS.sssZ there.
    const text = new Date(Number(this.seconds) * 1000).toISOString().slice(0, 19);
    const n = this.nanos;
    if (n === 0) return `${text}Z`;
    if (n % 1_000_000 === 0) return `${text}.${pad(n / 1_000_000, 3)}Z`;
    if (n % 1000 === 0) return `${text}.${pad(n / 1000, 6)}Z`;
    return `${text}.${pad(n, 9)}Z`;
  }

  equals(other: Timestamp): boolean {
    return this.seconds === other.seconds && this.nanos === other.nanos;
  }

  toString(): string {
    return this.isValid ? this.toRfc3339() : this.describe();
  }

  private describe(): string {
    return `Timestamp(${this.seconds}, ${this.nanos})`;
  }
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}
