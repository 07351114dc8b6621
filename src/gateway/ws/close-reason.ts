// WebSocket close reasons are capped at 123 bytes by the protocol; the reference truncates to 120.
const MAX_REASON_BYTES = 120;

export function closeReason(text: string, fallback = "invalid handshake"): string {
  const value = text || fallback;
  const buf = Buffer.from(value, "utf8");
  if (buf.length <= MAX_REASON_BYTES) return value;
  // Cut on a character boundary.
  let end = MAX_REASON_BYTES;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString("utf8");
}
