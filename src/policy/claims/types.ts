/** Okta OAuth2Claim as the claim helpers see it: the stored definition, mapped from its row by store/claims.ts. */
export type ClaimStatus = "ACTIVE" | "INACTIVE";
export type ClaimType = "RESOURCE" | "IDENTITY";
export type ClaimValueType = "EXPRESSION" | "GROUPS" | "SYSTEM";
export type GroupFilterType = "STARTS_WITH" | "EQUALS" | "CONTAINS" | "REGEX";

export interface ClaimRecord {
  id: string;
  name: string;
  status: ClaimStatus;
  claimType: ClaimType;
  valueType: ClaimValueType;
  value: string;
  groupFilterType: GroupFilterType | null;
  alwaysIncludeInToken: boolean;
  /** conditions.scopes: the claim is emitted only when one of these is granted; empty means always. */
  scopes: string[];
  system: boolean;
}
