package dev.otelllm.trace;

import java.util.Arrays;

/**
 * A hash table from a 128-bit id (two longs; span ids use only the low one) to a value, with open
 * addressing and linear probing. It replaces a {@code HashMap<String, ?>} in the buffer's indexes:
 * no hex string and no node object per entry. Operations work on a slot found by one probe ({@link
 * #find}), so that a get-then-change touches the table once; the two halves of a key sit side by
 * side in one array. Not thread-safe: guarded by the buffer's lock.
 */
final class IdTable {
  private static final float LOAD = 0.75f;

  // keys[2 * slot] is the high half, keys[2 * slot + 1] the low half; a slot is free when its value
  // is null.
  private long[] keys;
  private Object[] values;
  private int size;

  IdTable() {
    allocate(16);
  }

  private void allocate(int capacity) {
    keys = new long[2 * capacity];
    values = new Object[capacity];
  }

  int size() {
    return size;
  }

  private static int hash(long high, long low) {
    long h = low * 0x9E3779B97F4A7C15L ^ high * 0xC2B2AE3D27D4EB4FL;
    return (int) (h ^ (h >>> 32));
  }

  /** The slot holding the id, or {@code -1 - slot} where it would go. */
  int find(long high, long low) {
    int mask = values.length - 1;
    int i = hash(high, low) & mask;
    while (values[i] != null) {
      if (keys[2 * i] == high && keys[2 * i + 1] == low) {
        return i;
      }
      i = (i + 1) & mask;
    }
    return -1 - i;
  }

  /** The value in a slot that {@link #find} returned (>= 0). */
  Object valueAt(int slot) {
    return values[slot];
  }

  /** Replaces the value in a slot that {@link #find} returned (>= 0); non-null. */
  void setAt(int slot, Object value) {
    values[slot] = value;
  }

  /** The value for the id, or null. */
  Object get(long high, long low) {
    int i = find(high, low);
    return i >= 0 ? values[i] : null;
  }

  /**
   * Sets the value (non-null) for the id when it has none; returns the value it already had, or
   * null when this one was put.
   */
  Object putIfAbsent(long high, long low, Object value) {
    int i = find(high, low);
    if (i >= 0) {
      return values[i];
    }
    if (size + 1 > values.length * LOAD) {
      grow();
      i = find(high, low);
    }
    i = -1 - i;
    keys[2 * i] = high;
    keys[2 * i + 1] = low;
    values[i] = value;
    size++;
    return null;
  }

  /** Sets the value (non-null) for the id. */
  void put(long high, long low, Object value) {
    int i = find(high, low);
    if (i >= 0) {
      values[i] = value;
    } else {
      putIfAbsent(high, low, value);
    }
  }

  /**
   * Empties a slot that {@link #find} returned (>= 0); later entries of its probe run move back so
   * that lookups still find them.
   */
  void removeAt(int slot) {
    int mask = values.length - 1;
    int hole = slot;
    int j = slot;
    while (true) {
      j = (j + 1) & mask;
      if (values[j] == null) {
        break;
      }
      int home = hash(keys[2 * j], keys[2 * j + 1]) & mask;
      // Move j into the hole unless its home lies cyclically in (hole, j].
      boolean stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
      if (!stays) {
        keys[2 * hole] = keys[2 * j];
        keys[2 * hole + 1] = keys[2 * j + 1];
        values[hole] = values[j];
        hole = j;
      }
    }
    values[hole] = null;
    size--;
  }

  void clear() {
    Arrays.fill(values, null);
    size = 0;
  }

  private void grow() {
    long[] oldKeys = keys;
    Object[] oldValues = values;
    allocate(oldValues.length * 2);
    size = 0;
    for (int i = 0; i < oldValues.length; i++) {
      if (oldValues[i] != null) {
        putIfAbsent(oldKeys[2 * i], oldKeys[2 * i + 1], oldValues[i]);
      }
    }
  }
}
