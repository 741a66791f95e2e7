package dev.otelllm.internal;

/**
 * Trace and span ids as longs and back. Kept interactions store their ids as three or four longs
 * instead of three hex strings, which saves about a hundred bytes per interaction.
 */
public final class HexIds {
  private HexIds() {}

  private static final byte[] DIGITS =
      "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /**
   * The 16 hex digits of {@code s} from {@code offset} as a long, case-insensitive.
   *
   * @throws IllegalArgumentException "{@code problem}, was '{@code s}'" when a character is not a
   *     hex digit
   */
  public static long parse(CharSequence s, int offset, String problem) {
    long v = 0;
    int bad = 0;
    for (int i = offset; i < offset + 16; i++) {
      int d = digit(s.charAt(i));
      bad |= d; // -1 for a character that is not a hex digit: checked once, after the loop
      v = (v << 4) | (d & 0xf);
    }
    if (bad < 0) {
      throw new IllegalArgumentException(problem + ", was '" + s + "'");
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

  // ASCII hex only (Character.digit also takes other scripts' digits); a table, not branches: this
  // runs for every kept interaction.
  private static final byte[] VALUES = new byte[128];

  static {
    java.util.Arrays.fill(VALUES, (byte) -1);
    for (int i = 0; i < 10; i++) {
      VALUES['0' + i] = (byte) i;
    }
    for (int i = 0; i < 6; i++) {
      VALUES['a' + i] = (byte) (10 + i);
      VALUES['A' + i] = (byte) (10 + i);
    }
  }

  private static int digit(char c) {
    return c < 128 ? VALUES[c] : -1;
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
