// Modules the OpenAPI document test reads; js-yaml 4 and the validator's schema files ship no types.
declare module "js-yaml" {
  export function load(text: string): unknown;
}

declare module "*.yaml?raw" {
  const text: string;
  export default text;
}

declare module "@seriousme/openapi-schema-validator/schemas/v3.1/schema.json" {
  const schema: Record<string, unknown>;
  export default schema;
}

declare module "@seriousme/openapi-schema-validator/resolve.js" {
  export function checkRefs(tree: unknown): { valid: boolean; errors?: string };
}
