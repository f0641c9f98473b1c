/**
 * A proxy over a binding (or a stub, or a prepared statement) that hands every method call to `around`, which runs
 * it with `invoke()` (or not) and returns what the caller gets; other properties pass through. A Durable Object
 * stub's proxy hides `then`, so awaiting it does not look for a promise (`stub: true`).
 */
export function aroundMethods<T extends object>(
  target: T,
  around: (prop: string | symbol, args: unknown[], invoke: (args?: unknown[]) => unknown) => unknown,
  o: { stub?: boolean } = {},
): T {
  return new Proxy(target, {
    get(t, prop) {
      if (o.stub && prop === "then") return undefined;
      const value = Reflect.get(t, prop);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => around(prop, args, (replaced = args) => Reflect.apply(value, t, replaced));
    },
  });
}
