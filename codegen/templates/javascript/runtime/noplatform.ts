// Runtime file, copied verbatim: what web bundles get instead of
// nodeplatform.ts (package.json's "browser" map), so they carry no Node code.

import type { DeliveryPlatform } from "./platform.js";

export function nodePlatform(): DeliveryPlatform | undefined {
  return undefined;
}
