import type { AppEnv, Env } from "../env";

/** The Worker's own fetch, handed in where the console is mounted (app.ts), so the console never imports admin/ or oauth/. */
export type WorkerFetch = (req: Request, env: Env, ctx?: ExecutionContext) => Promise<Response>;

/** A signed-in administrator, as sealed into the console's session cookie. */
export interface ConsoleSession {
  /** The org access token the admin API is called with (Bearer), from the console's own code flow. */
  accessToken: string;
  userId: string;
  login: string;
  /** Every form of this session carries it; POSTs without it are refused. */
  csrf: string;
  /** Epoch ms: the access token's expiry; the session ends with it. */
  exp: number;
}

export interface ConsoleEnv {
  Bindings: Env;
  Variables: AppEnv["Variables"] & { session: ConsoleSession; worker: WorkerFetch };
}
