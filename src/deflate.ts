/**
 * DEFLATE without a header ("deflate-raw": the same as gzip without its 18-byte header and trailer) through the
 * runtime's CompressionStream: the System Log's queue messages (log/wire.ts) and its stored chunks
 * (store/log-chunks.ts) are JSON text compressed this way.
 */
const FORMAT = "deflate-raw";

async function pipe(data: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([data]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

export const deflateText = (text: string): Promise<Uint8Array> => pipe(new TextEncoder().encode(text), new CompressionStream(FORMAT));

/** Throws on bytes that are not raw DEFLATE. */
export const inflateText = async (bytes: Uint8Array): Promise<string> => new TextDecoder().decode(await pipe(bytes, new DecompressionStream(FORMAT)));
