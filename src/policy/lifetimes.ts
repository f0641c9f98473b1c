/**
 * Token-lifetime limits of a rule's actions.token, checked when an admin saves a rule (REFERENCE 3.6, 4).
 * Returns one human-readable cause per problem, each naming its field; empty means valid.
 */
import type { RuleConfig } from "./types";

export const ACCESS_TOKEN_MIN_MINUTES = 5;
export const ACCESS_TOKEN_MAX_MINUTES = 1440;
/** Five years (365 days each), Okta's ceiling for the refresh lifetime and idle window. */
export const REFRESH_TOKEN_MAX_MINUTES = 2_628_000;
export const REFRESH_WINDOW_MIN_MINUTES = 10;
/** Okta: refreshTokenLifetimeMinutes 0 means unlimited. */
export const UNLIMITED = 0;

const FIELD = "actions.token";

export function checkRuleLifetimes(token: RuleConfig["token"]): string[] {
  const { accessTokenLifetimeMinutes: access, refreshTokenLifetimeMinutes: refresh } = token;
  const window = token.refreshTokenWindowMinutes;
  const causes: string[] = [];

  // Okta: access token lifetime is 5 minutes to 1 day.
  if (!inRange(access, ACCESS_TOKEN_MIN_MINUTES, ACCESS_TOKEN_MAX_MINUTES)) {
    causes.push(
      `${FIELD}.accessTokenLifetimeMinutes: must be an integer from ${ACCESS_TOKEN_MIN_MINUTES} to ${ACCESS_TOKEN_MAX_MINUTES}`,
    );
  }

  const limited = Number.isInteger(refresh) && refresh > UNLIMITED;
  if (!Number.isInteger(refresh) || refresh < UNLIMITED) {
    causes.push(`${FIELD}.refreshTokenLifetimeMinutes: must be 0 (unlimited) or a positive integer`);
  } else if (limited) {
    // Okta: the refresh token lifetime is never shorter than the access token lifetime.
    if (Number.isInteger(access) && refresh < access) {
      causes.push(
        `${FIELD}.refreshTokenLifetimeMinutes: must be 0 (unlimited) or at least accessTokenLifetimeMinutes (${access})`,
      );
    }
    if (refresh > REFRESH_TOKEN_MAX_MINUTES) {
      causes.push(`${FIELD}.refreshTokenLifetimeMinutes: must be at most ${REFRESH_TOKEN_MAX_MINUTES} (5 years)`);
    }
  }

  // Okta: the idle window is 10 minutes to 5 years.
  if (!inRange(window, REFRESH_WINDOW_MIN_MINUTES, REFRESH_TOKEN_MAX_MINUTES)) {
    causes.push(
      `${FIELD}.refreshTokenWindowMinutes: must be an integer from ${REFRESH_WINDOW_MIN_MINUTES} to ${REFRESH_TOKEN_MAX_MINUTES}`,
    );
  } else if (limited && window > refresh) {
    // An idle window longer than the whole lifetime could never take effect.
    causes.push(
      `${FIELD}.refreshTokenWindowMinutes: must not be longer than refreshTokenLifetimeMinutes (${refresh})`,
    );
  }

  return causes;
}

function inRange(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}
