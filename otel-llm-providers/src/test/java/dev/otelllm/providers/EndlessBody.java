package dev.otelllm.providers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import okio.BufferedSink;

/**
 * A body that never ends: a head, then one piece over and over, as fast as the client reads, until
 * the client goes away. With an announced length it stops there; without one it is chunked and
 * stops only at a guard far past any cap, so that a client that reads forever cannot hang a test.
 */
final class EndlessBody implements MockResponseBody {
  private static final long GUARD = 8L << 30;

  private final byte[] head;
  private final byte[] block;
  private final long contentLength;

  private EndlessBody(String head, String piece, long contentLength) {
    this.head = head.getBytes(StandardCharsets.UTF_8);
    // The piece repeated to about 64 KiB, so that writing is not one call per piece.
    String repeated = piece.repeat(Math.max(1, (64 << 10) / Math.max(1, piece.length())));
    this.block = repeated.getBytes(StandardCharsets.UTF_8);
    this.contentLength = contentLength;
  }

  /** A 200 answer whose body is {@code head} then {@code piece} without end, chunked. */
  static MockResponse of(String head, String piece) {
    return new MockResponse.Builder().code(200).body(new EndlessBody(head, piece, -1)).build();
  }

  /** As {@link #of}, announcing {@code contentLength} bytes (and sending no more). */
  static MockResponse announcing(long contentLength, String head, String piece) {
    return new MockResponse.Builder()
        .code(200)
        .body(new EndlessBody(head, piece, contentLength))
        .build();
  }

  @Override
  public long getContentLength() {
    return contentLength;
  }

  @Override
  public void writeTo(BufferedSink sink) throws IOException {
    long limit = contentLength >= 0 ? contentLength : GUARD;
    long written = Math.min(head.length, limit);
    sink.write(head, 0, (int) written);
    while (written < limit) {
      int n = (int) Math.min(block.length, limit - written);
      // Throws once the client has closed the connection: that ends the body.
      sink.write(block, 0, n);
      sink.flush();
      written += n;
    }
  }
}
