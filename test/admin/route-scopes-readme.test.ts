import { describe, expect, it } from "vitest";
import readme from "../../README.md?raw";
import { ROUTE_SCOPES } from "../../src/tokens/route-scopes";

describe("the README's admin scope table", () => {
  it.each(ROUTE_SCOPES.map((r) => [r.path, r] as const))("prints the row for %s as the code enforces it", (_path, row) => {
    const shown = row.path.replace(/:([A-Za-z]+)/g, "{$1}");
    expect(readme).toContain(`| \`${shown}/**\` | \`${row.read}\` | \`${row.manage}\` |`);
  });
});
