// Reading the test plan (test/plan.json, described in codegen's
// docs/targets.md): a value of the file with where it is, read as the typed
// API's values (64-bit integers and floating-point numbers come as text).
import { type EnumInfo, Timestamp, type TrackableEvent } from "../src/index.js";
import { unhex } from "./helpers.js";

/** What the runner asks of a built event (its JSON comes from `toJson(event)`). */
export type PlanEvent = TrackableEvent;

export class PlanNode {
  constructor(readonly value: unknown, readonly where: string) {}

  private wrong(wanted: string): TypeError {
    return new TypeError(`${this.where}: expected ${wanted}, got ${JSON.stringify(this.value)}`);
  }

  private object(): Record<string, unknown> {
    if (typeof this.value !== "object" || this.value === null || Array.isArray(this.value)) throw this.wrong("an object");
    return this.value as Record<string, unknown>;
  }

  /** The member `name`, or undefined when the case leaves it out. */
  opt(name: string): PlanNode | undefined {
    const object = this.object();
    return Object.prototype.hasOwnProperty.call(object, name) ? new PlanNode(object[name], `${this.where}.${name}`) : undefined;
  }

  /** The member `name`, which the case must hold. */
  req(name: string): PlanNode {
    const node = this.opt(name);
    if (node === undefined) throw new TypeError(`${this.where}: no value for ${name}`);
    return node;
  }

  read<T>(builder: (node: PlanNode) => T): T {
    return builder(this);
  }

  list<T>(item: (node: PlanNode) => T): T[] {
    if (!Array.isArray(this.value)) throw this.wrong("a list");
    return this.value.map((value: unknown, i: number) => item(new PlanNode(value, `${this.where}[${i}]`)));
  }

  map<T>(item: (node: PlanNode) => T): ReadonlyMap<string, T> {
    return new Map(Object.entries(this.object()).map(([key, value]) => [key, item(new PlanNode(value, `${this.where}[${JSON.stringify(key)}]`))]));
  }

  text(): string {
    if (typeof this.value !== "string") throw this.wrong("a string");
    return this.value;
  }

  flag(): boolean {
    if (typeof this.value !== "boolean") throw this.wrong("a boolean");
    return this.value;
  }

  int(): number {
    if (typeof this.value !== "number" || !Number.isInteger(this.value)) throw this.wrong("an integer");
    return this.value;
  }

  bigint(): bigint {
    return BigInt(this.text());
  }

  number(): number {
    return Number(this.text());
  }

  bytes(): Uint8Array {
    return unhex(this.text());
  }

  timestamp(): Timestamp {
    const [seconds, nanos] = this.list((node) => node.int());
    if (seconds === undefined || nanos === undefined) throw this.wrong("[seconds, nanos]");
    return new Timestamp(seconds, nanos);
  }

  member<T extends string>(info: EnumInfo<T>): T {
    const value = this.text();
    if (!info.has(value)) throw this.wrong(`a value of ${info.name}`);
    return value;
  }
}
