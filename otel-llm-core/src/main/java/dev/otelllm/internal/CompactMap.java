package dev.otelllm.internal;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable map that keeps insertion order in one array: a fraction of the memory of an
 * unmodifiable {@code LinkedHashMap}, for the small maps (parameters, metadata) that every kept
 * interaction carries. Lookups scan, which is faster than hashing for a handful of keys. Values are
 * not null. Not API.
 */
public final class CompactMap extends AbstractMap<String, Object> {

  private static final CompactMap EMPTY = new CompactMap(new Object[0]);

  private final Object[] keysAndValues;

  private CompactMap(Object[] keysAndValues) {
    this.keysAndValues = keysAndValues;
  }

  /**
   * An immutable ordered copy, nested maps and lists included ({@link JsonTree#copy}); entries with
   * a null value are left out. Returns the map itself when it already is one.
   */
  public static CompactMap copyOf(Map<String, ?> map) {
    if (map instanceof CompactMap c) {
      return c;
    }
    if (map.isEmpty()) {
      return EMPTY;
    }
    Object[] kv = new Object[map.size() * 2];
    int i = 0;
    for (Map.Entry<String, ?> e : map.entrySet()) {
      if (e.getValue() == null) {
        continue;
      }
      String key = Objects.requireNonNull(e.getKey(), "key");
      kv[i++] = key;
      kv[i++] = JsonTree.copy(e.getValue(), key);
    }
    return new CompactMap(i == kv.length ? kv : java.util.Arrays.copyOf(kv, i));
  }

  @Override
  public int size() {
    return keysAndValues.length / 2;
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public Object get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : keysAndValues[i + 1];
  }

  private int indexOf(Object key) {
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (keysAndValues[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<String, Object>> iterator() {
        return new Iterator<>() {
          private int i;

          @Override
          public boolean hasNext() {
            return i < keysAndValues.length;
          }

          @Override
          public Entry<String, Object> next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            Entry<String, Object> e =
                new SimpleImmutableEntry<>((String) keysAndValues[i], keysAndValues[i + 1]);
            i += 2;
            return e;
          }
        };
      }

      @Override
      public int size() {
        return keysAndValues.length / 2;
      }
    };
  }
}
