// PKCE and token hashes

/** RFC 7636 4.2: BASE64URL(SHA256(ASCII(code_verifier))). */
export async function s256(verifier: string): Promise<string> {
  return b64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
}

/** OIDC Core 3.3.2.11: the left half of the SHA-256, base64url (at_hash, c_hash). */
export async function halfHash(value: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value)));
  return b64url(digest.slice(0, 16));
}

function b64url(bytes: ArrayBuffer | Uint8Array): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export interface Pkce {
  verifier: string;
  challenge: string;
}

export async function pkce(): Promise<Pkce> {
  const verifier = `${crypto.randomUUID()}-${crypto.randomUUID()}`.slice(0, 64);
  return { verifier, challenge: await s256(verifier) };
}
