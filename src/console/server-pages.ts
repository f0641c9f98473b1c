import { Hono } from "hono";
import { claimPages } from "./claims";
import type { ConsoleEnv } from "./env";
import { keyPages } from "./keys";
import { scopePages } from "./scopes";

/** A custom server's Scopes, Claims and Keys tabs. */
export const serverPages = new Hono<ConsoleEnv>().route("/", scopePages).route("/", claimPages).route("/", keyPages);
