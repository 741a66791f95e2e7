package dev.otelllm.trace;

import java.util.Arrays;

/**
 * A hash table from a 128-bit id (two longs; span ids use only the low one) to a value, with open
 * addressing and linear probing. It replaces a {@code HashMap<String, ?>} in the buffer's indexes:
 * no hex string and no node object per entry. Not thread-safe: guarded by the buffer's lock.
 */
final class IdTable {
  private static final float LOAD = 0.75f;

  private long[] highs;
  private long[] lows;
  private Object[] values;
  private int size;

  IdTable() {
    allocate(16);
  }

  private void allocate(int capacity) {
    highs = new long[capacity];
    lows = new long[capacity];
    values = new Object[capacity];
  }

  int size() {
    return size;
  }

  private int indexOf(long high, long low) {
    int mask = values.length - 1;
    int i = hash(high, low) & mask;
    while (values[i] != null) {
      if (highs[i] == high && lows[i] == low) {
        return i;
      }
      i = (i + 1) & mask;
    }
    return -1 - i; // where it would go
  }

  private static int hash(long high, long low) {
    long h = low * 0x9E3779B97F4A7C15L ^ high * 0xC2B2AE3D27D4EB4FL;
    return (int) (h ^ (h >>> 32));
  }

  /** The value for the id, or null. */
  Object get(long high, long low) {
    int i = indexOf(high, low);
    return i >= 0 ? values[i] : null;
  }

  /** Sets the value (non-null) for the id. */
  void put(long high, long low, Object value) {
    int i = indexOf(high, low);
    if (i >= 0) {
      values[i] = value;
      return;
    }
    if (size + 1 > values.length * LOAD) {
      grow();
      i = indexOf(high, low);
    }
    i = -1 - i;
    highs[i] = high;
    lows[i] = low;
    values[i] = value;
    size++;
  }

  /** Removes the id; later entries of its probe run move back so that lookups still find them. */
  void remove(long high, long low) {
    int i = indexOf(high, low);
    if (i < 0) {
      return;
    }
    int mask = values.length - 1;
    int hole = i;
    int j = i;
    while (true) {
      j = (j + 1) & mask;
      if (values[j] == null) {
        break;
      }
      int home = hash(highs[j], lows[j]) & mask;
      // Move j into the hole unless its home lies cyclically in (hole, j].
      boolean stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
      if (!stays) {
        highs[hole] = highs[j];
        lows[hole] = lows[j];
        values[hole] = values[j];
        hole = j;
      }
    }
    values[hole] = null;
    highs[hole] = 0;
    lows[hole] = 0;
    size--;
  }

  void clear() {
    Arrays.fill(values, null);
    size = 0;
  }

  private void grow() {
    long[] oldHighs = highs;
    long[] oldLows = lows;
    Object[] oldValues = values;
    allocate(oldValues.length * 2);
    size = 0;
    for (int i = 0; i < oldValues.length; i++) {
      if (oldValues[i] != null) {
        put(oldHighs[i], oldLows[i], oldValues[i]);
      }
    }
  }
}
