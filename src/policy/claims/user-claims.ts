/**
 * The standard OIDC claims (OIDC Core 5.4) a person's Okta profile yields for each granted scope, as Okta maps
 * them: login → preferred_username, firstName → given_name, lastName → family_name, and so on.
 */
export interface ClaimsUser {
  id: string;
  profile: Record<string, unknown>;
  lastUpdated: string;
  /** Okta: the primary email's credentials.emails status (security finding 9: never assumed). */
  emailStatus?: "VERIFIED" | "UNVERIFIED";
}

const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);

function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export function userClaims(user: ClaimsUser, scopes: readonly string[]): Record<string, unknown> {
  const p = user.profile;
  const out: Record<string, unknown> = {};
  if (scopes.includes("profile")) {
    const first = str(p.firstName);
    const last = str(p.lastName);
    Object.assign(
      out,
      defined({
        name: str(p.displayName) ?? ([first, last].filter(Boolean).join(" ") || undefined),
        nickname: str(p.nickName),
        preferred_username: str(p.login),
        given_name: first,
        middle_name: str(p.middleName),
        family_name: last,
        profile: str(p.profileUrl),
        zoneinfo: str(p.timezone) ?? "America/Los_Angeles",
        locale: str(p.locale) ?? "en_US",
        updated_at: Math.floor(Date.parse(user.lastUpdated) / 1000),
      }),
    );
  }
  if (scopes.includes("email") && str(p.email)) {
    out.email = p.email;
    out.email_verified = user.emailStatus === "VERIFIED";
  }
  if (scopes.includes("address")) {
    const address = defined({
      street_address: str(p.streetAddress),
      locality: str(p.city),
      region: str(p.state),
      postal_code: str(p.zipCode),
      country: str(p.countryCode),
    });
    if (Object.keys(address).length) out.address = address;
  }
  if (scopes.includes("phone")) {
    const phone = str(p.mobilePhone) ?? str(p.primaryPhone);
    if (phone) out.phone_number = phone;
  }
  return out;
}
