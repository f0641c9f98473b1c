const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** The runtime's own encoder (TC39 "Uint8Array to/from base64"; workerd has it, Node before 25 does not). */
type NativeBase64 = (this: Uint8Array, options: { alphabet: "base64url"; omitPadding: boolean }) => string;
const nativeToBase64 = (Uint8Array.prototype as unknown as { toBase64?: NativeBase64 }).toBase64;

/**
 * RFC 4648 section 5 without padding: it runs for every part of every token signed, and for the System Log's
 * compressed messages (tens of KB; log/wire.ts). The runtime's encoder where there is one, else by table.
 */
export function base64url(bytes: ArrayBuffer | Uint8Array): string {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (nativeToBase64) return nativeToBase64.call(u8, { alphabet: "base64url", omitPadding: true });
  let out = "";
  let i = 0;
  for (; i + 2 < u8.length; i += 3) {
    const n = (u8[i]! << 16) | (u8[i + 1]! << 8) | u8[i + 2]!;
    out += B64URL[n >> 18]! + B64URL[(n >> 12) & 63]! + B64URL[(n >> 6) & 63]! + B64URL[n & 63]!;
  }
  if (i + 1 === u8.length) {
    const n = u8[i]! << 16;
    out += B64URL[n >> 18]! + B64URL[(n >> 12) & 63]!;
  } else if (i + 2 === u8.length) {
    const n = (u8[i]! << 16) | (u8[i + 1]! << 8);
    out += B64URL[n >> 18]! + B64URL[(n >> 12) & 63]! + B64URL[(n >> 6) & 63]!;
  }
  return out;
}

export function fromBase64url(s: string): Uint8Array {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
