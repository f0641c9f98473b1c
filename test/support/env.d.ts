declare module "*.sql?raw" {
  const text: string;
  export default text;
}

declare namespace Cloudflare {
  interface Env extends MintgateEnv {}
  interface GlobalProps {
    mainModule: typeof import("../../src/index");
    durableNamespaces: "KeyStore";
  }
}

type MintgateEnv = import("../../src/env").Env;

declare module "*.md?raw" {
  const text: string;
  export default text;
}
