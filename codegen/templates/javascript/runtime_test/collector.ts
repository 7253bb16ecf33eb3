// The delivery tests' collector: a real HTTP server on 127.0.0.1 that answers
// each POST as the test scripts it and keeps every request (body unzipped).
import { createServer } from "node:http";
import { gunzipSync } from "node:zlib";

export interface SeenRequest {
  readonly headers: Readonly<Record<string, string>>;
  /** The Batch body, decompressed. */
  readonly body: Uint8Array;
}

export type CollectorReply = readonly [status: number, headers: Readonly<Record<string, string>>, body: string];

export const ACCEPTED: CollectorReply = [200, {}, '{"accepted": 0, "duplicates": 0, "rejected": []}'];

/** The event ids of a JSON batch, in order. */
export function eventIds(request: SeenRequest): string[] {
  const batch = JSON.parse(new TextDecoder().decode(request.body)) as { events: { context: { event_id: string } }[] };
  return batch.events.map((event) => event.context.event_id);
}

export class TestCollector {
  readonly requests: SeenRequest[] = [];
  answer: (request: SeenRequest) => CollectorReply = () => ACCEPTED;
  url = "";
  private readonly server = createServer((request, response) => {
    const chunks: Uint8Array[] = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(request.headers)) if (typeof value === "string") headers[key] = value;
      const raw = concatChunks(chunks);
      const seen = { headers, body: headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw };
      this.requests.push(seen);
      const [status, extra, body] = this.answer(seen);
      response.writeHead(status, { "Content-Type": "application/json", ...extra });
      response.end(body);
    });
  });

  static async start(): Promise<TestCollector> {
    const collector = new TestCollector();
    await new Promise<void>((resolve) => collector.server.listen(0, "127.0.0.1", resolve));
    collector.url = `http://127.0.0.1:${collector.server.address().port}`;
    return collector;
  }

  /** Event ids of every request, in order. */
  ids(): string[] {
    return this.requests.flatMap(eventIds);
  }

  stop(): void {
    this.server.closeAllConnections();
    this.server.close();
  }
}

function concatChunks(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
