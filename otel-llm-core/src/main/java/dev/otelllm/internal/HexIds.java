package dev.otelllm.internal;

/**
 * Trace and span ids as longs and back. Kept interactions store their ids as three or four longs
 * instead of three hex strings, which saves about a hundred bytes per interaction.
 */
public final class HexIds {
  private HexIds() {}

  private static final byte[] DIGITS = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /**
   * The 16 hex digits of {@code s} from {@code offset} as a long, case-insensitive.
   *
   * @throws IllegalArgumentException "{@code problem}, was '{@code s}'" when a character is not a
   *     hex digit
   */
  public static long parse(CharSequence s, int offset, String problem) {
    long v = 0;
    for (int i = offset; i < offset + 16; i++) {
      int d = digit(s.charAt(i));
      if (d < 0) {
        throw new IllegalArgumentException(problem + ", was '" + s + "'");
      }
      v = (v << 4) | d;
    }
    return v;
  }

  /** True when {@code s} is exactly {@code length} hex digits. */
  public static boolean isHex(CharSequence s, int length) {
    if (s.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (digit(s.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  // ASCII hex only (Character.digit also takes other scripts' digits).
  private static int digit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** Lowercase hex of a span id: 16 digits. */
  public static String format(long v) {
    byte[] out = new byte[16];
    put(out, 0, v);
    return new String(out, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** Lowercase hex of a trace id: 32 digits, the high half first. */
  public static String format(long high, long low) {
    byte[] out = new byte[32];
    put(out, 0, high);
    put(out, 16, low);
    return new String(out, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private static void put(byte[] out, int offset, long v) {
    for (int i = offset + 15; i >= offset; i--) {
      out[i] = DIGITS[(int) (v & 0xf)];
      v >>>= 4;
    }
  }
}
