package dev.otelllm.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Cuts a content tree (as built by {@link ContentCodec}) until its compact JSON fits a byte budget,
 * keeping it valid JSON.
 *
 * <p>Texts are cut longest-first: one cap is chosen so that every text at or under it stays whole
 * and every longer one keeps its first cap bytes, followed by {@link #MARKER}. Cuts fall on
 * character boundaries, never inside a multi-byte character or a surrogate pair. When the structure
 * alone is over budget, structured tool arguments and results are turned into (cuttable) JSON
 * strings, then the oldest messages are dropped. Not API.
 */
public final class ContentTruncator {
  private ContentTruncator() {}

  /** Appended to every cut text. */
  public static final String MARKER = "...[truncated]";

  private static final int MARKER_BYTES = MARKER.length();

  /**
   * Cuts {@code tree} in place until {@code JsonTree.toJson(tree)} is at most {@code maxBytes}
   * UTF-8 bytes.
   *
   * @return true when anything was cut or dropped
   */
  public static boolean truncate(List<Object> tree, int maxBytes) {
    int size = utf8Length(JsonTree.toJson(tree));
    if (size <= maxBytes) {
      return false;
    }
    for (int stage = 0; stage < 3; stage++) {
      if (stage == 1) {
        stringifyStructuredLeaves(tree);
      }
      if (stage == 2) {
        // The fewest oldest messages to drop, by bisection: O(n log n) serializing, not O(n^2).
        int lo = 0;
        int hi = tree.size() - 1;
        while (lo < hi) {
          int mid = (lo + hi) >>> 1;
          if (skeletonBytes(tree.subList(mid, tree.size())) <= maxBytes) {
            hi = mid;
          } else {
            lo = mid + 1;
          }
        }
        tree.subList(0, lo).clear();
      }
      if (cutTexts(tree, maxBytes)) {
        return true;
      }
    }
    tree.clear();
    return true;
  }

  private static boolean cutTexts(List<Object> tree, int maxBytes) {
    int budget = maxBytes;
    // A miscounted escape can leave the result a few bytes over: shrink the budget and retry.
    for (int attempt = 0; attempt < 8 && budget >= 2; attempt++) {
      List<TextSlot> slots = new ArrayList<>();
      collect(tree, slots);
      int total = utf8Length(JsonTree.toJson(tree));
      long textBytes = 0;
      for (TextSlot s : slots) {
        textBytes += s.bytes;
      }
      long skeleton = total - textBytes;
      long available = budget - skeleton;
      if (available < 0) {
        return false;
      }
      int cap = largestCap(slots, available);
      if (cap < 0) {
        return false;
      }
      for (TextSlot s : slots) {
        if (s.bytes > cap) {
          s.set(prefix(s.text, cap) + MARKER);
        }
      }
      int after = utf8Length(JsonTree.toJson(tree));
      if (after <= maxBytes) {
        return true;
      }
      budget -= (after - maxBytes) + 16;
    }
    return false;
  }

  /**
   * The largest cap whose cost fits, or -1. Cost: whole texts at or under the cap, cap + marker
   * above it.
   */
  private static int largestCap(List<TextSlot> slots, long available) {
    int lo = 0;
    int hi = 0;
    for (TextSlot s : slots) {
      hi = Math.max(hi, s.bytes);
    }
    if (cost(slots, 0) > available) {
      return -1;
    }
    while (lo < hi) {
      int mid = (int) (((long) lo + hi + 1) / 2);
      if (cost(slots, mid) <= available) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  private static long cost(List<TextSlot> slots, int cap) {
    long c = 0;
    for (TextSlot s : slots) {
      c += s.bytes <= cap ? s.bytes : (long) cap + MARKER_BYTES;
    }
    return c;
  }

  /**
   * A single text within {@code maxBytes} (JSON-escaped UTF-8): itself when it fits, otherwise its
   * longest fitting prefix followed by {@link #MARKER}.
   */
  public static String cut(String s, int maxBytes) {
    if (escapedBytes(s) <= maxBytes) {
      return s;
    }
    return prefix(s, Math.max(0, maxBytes - MARKER_BYTES)) + MARKER;
  }

  /** The longest prefix of {@code s} whose JSON-escaped UTF-8 form is at most {@code maxBytes}. */
  public static String prefix(String s, int maxBytes) {
    int bytes = 0;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      int width;
      int chars = 1;
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        width = 4;
        chars = 2;
      } else {
        width = escapedWidth(c);
      }
      if (bytes + width > maxBytes) {
        break;
      }
      bytes += width;
      i += chars;
    }
    return s.substring(0, i);
  }

  /** Bytes of {@code s} inside a JSON string (without quotes), UTF-8, as Jackson escapes it. */
  public static int escapedBytes(String s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += escapedWidth(c);
      }
    }
    return bytes;
  }

  private static int escapedWidth(char c) {
    if (c == '"' || c == '\\') {
      return 2;
    }
    if (c < 0x20) {
      return (c == '\n' || c == '\t' || c == '\r' || c == '\b' || c == '\f') ? 2 : 6;
    }
    if (c < 0x80) {
      return 1;
    }
    if (c < 0x800) {
      return 2;
    }
    // A lone surrogate is written as '?' once encoded.
    return Character.isSurrogate(c) ? 1 : 3;
  }

  private static int skeletonBytes(List<Object> tree) {
    List<TextSlot> slots = new ArrayList<>();
    collect(tree, slots);
    long text = 0;
    for (TextSlot s : slots) {
      text += s.bytes;
    }
    return (int) (utf8Length(JsonTree.toJson(tree)) - text + (long) slots.size() * MARKER_BYTES);
  }

  private static int utf8Length(String json) {
    return json.getBytes(StandardCharsets.UTF_8).length;
  }

  // Never cut: the structure a reader needs to make sense of what is left.
  private static final java.util.Set<String> STRUCTURAL =
      java.util.Set.of("type", "role", "id", "name", "mime_type", "modality", "finish_reason");

  /**
   * Cuttable strings: in a message (a map with a role) only its parts are walked; in a part or a
   * tool definition every string that is not structure. Values nested deeper are the user's and may
   * be immutable: they are never walked, only turned into JSON text as a whole.
   */
  @SuppressWarnings("unchecked")
  private static void collect(Object node, List<TextSlot> slots) {
    if (node instanceof List<?> list) {
      for (Object o : list) {
        collect(o, slots);
      }
      return;
    }
    if (!(node instanceof Map<?, ?> map)) {
      return;
    }
    Map<String, Object> m = (Map<String, Object>) map;
    if (m.containsKey("role")) {
      collect(m.get("parts"), slots);
      return;
    }
    for (Map.Entry<String, Object> e : m.entrySet()) {
      if (e.getValue() instanceof String s && !STRUCTURAL.contains(e.getKey())) {
        slots.add(new TextSlot(e, s));
      }
    }
  }

  /** Turns the nested (non-string) values of parts and definitions into cuttable JSON text. */
  @SuppressWarnings("unchecked")
  private static void stringifyStructuredLeaves(Object node) {
    if (node instanceof List<?> list) {
      for (Object o : list) {
        stringifyStructuredLeaves(o);
      }
      return;
    }
    if (!(node instanceof Map<?, ?> map)) {
      return;
    }
    Map<String, Object> m = (Map<String, Object>) map;
    if (m.containsKey("role")) {
      stringifyStructuredLeaves(m.get("parts"));
      return;
    }
    for (Map.Entry<String, Object> e : m.entrySet()) {
      Object v = e.getValue();
      if ((v instanceof Map || v instanceof List) && !STRUCTURAL.contains(e.getKey())) {
        e.setValue(JsonTree.toJson(v));
      }
    }
  }

  private static final class TextSlot {
    final Map.Entry<String, Object> entry;
    final String text;
    final int bytes;

    TextSlot(Map.Entry<String, Object> entry, String text) {
      this.entry = entry;
      this.text = text;
      this.bytes = escapedBytes(text);
    }

    void set(String value) {
      entry.setValue(value);
    }
  }
}
