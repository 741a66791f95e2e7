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
 * character boundaries, never inside a multi-byte character or a surrogate pair. When the
 * structure alone is over budget, structured tool arguments and results are turned into (cuttable)
 * JSON strings, then the oldest messages are dropped. Not API.
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
        while (tree.size() > 1 && skeletonBytes(tree) > maxBytes) {
          tree.remove(0);
        }
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

  /** The largest cap whose cost fits, or -1. Cost: whole texts at or under the cap, cap + marker above it. */
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

  /** The longest prefix of {@code s} whose JSON-escaped UTF-8 form is at most {@code maxBytes}. */
  static String prefix(String s, int maxBytes) {
    int bytes = 0;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      int width;
      int chars = 1;
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
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
  static int escapedBytes(String s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
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

  @SuppressWarnings("unchecked")
  private static void collect(Object node, List<TextSlot> slots) {
    if (node instanceof Map<?, ?> map) {
      Map<String, Object> m = (Map<String, Object>) map;
      for (Map.Entry<String, Object> e : m.entrySet()) {
        String key = e.getKey();
        Object v = e.getValue();
        if (v instanceof String s && isText(key)) {
          slots.add(new TextSlot(e, s));
        } else if ("parts".equals(key)) {
          // Only the trees this library built are walked: nested user values may be immutable.
          collect(v, slots);
        }
      }
    } else if (node instanceof List<?> list) {
      for (Object o : list) {
        collect(o, slots);
      }
    }
  }

  private static boolean isText(String key) {
    return key.equals("content") || key.equals("response") || key.equals("arguments")
        || key.equals("description") || key.equals("parameters");
  }

  @SuppressWarnings("unchecked")
  private static void stringifyStructuredLeaves(Object node) {
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<String, Object> e : ((Map<String, Object>) map).entrySet()) {
        Object v = e.getValue();
        String key = e.getKey();
        if ((v instanceof Map || v instanceof List)
            && (key.equals("arguments") || key.equals("response") || key.equals("parameters"))) {
          e.setValue(JsonTree.toJson(v));
        } else if ("parts".equals(key)) {
          stringifyStructuredLeaves(v);
        }
      }
    } else if (node instanceof List<?> list) {
      for (Object o : list) {
        stringifyStructuredLeaves(o);
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
