package dev.otelllm.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IdTableTest {

  private record Key(long high, long low) {}

  @Test
  void agreesWithAHashMap_underRandomPutsAndRemoves_withCollidingLowHalves() {
    IdTable table = new IdTable();
    Map<Key, Object> reference = new HashMap<>();
    Random random = new Random(42);
    // Few distinct lows, so that many keys share a low half and long probe runs form.
    for (int step = 0; step < 200_000; step++) {
      Key k = new Key(random.nextInt(64), random.nextInt(512));
      int op = random.nextInt(6);
      if (op <= 1) {
        int slot = table.find(k.high(), k.low());
        if (slot >= 0) {
          table.removeAt(slot);
        }
        reference.remove(k);
      } else if (op == 2) {
        Object v = "w" + step;
        Object before = table.putIfAbsent(k.high(), k.low(), v);
        assertThat(before).isSameAs(reference.putIfAbsent(k, v));
      } else {
        Object v = "v" + step;
        table.put(k.high(), k.low(), v);
        reference.put(k, v);
      }
      if (step % 997 == 0) {
        assertThat(table.size()).isEqualTo(reference.size());
        for (Map.Entry<Key, Object> e : reference.entrySet()) {
          assertThat(table.get(e.getKey().high(), e.getKey().low())).isSameAs(e.getValue());
        }
      }
    }
    for (int high = 0; high < 64; high++) {
      for (int low = 0; low < 512; low++) {
        assertThat(table.get(high, low)).isSameAs(reference.get(new Key(high, low)));
      }
    }
  }

  @Test
  void removingEverything_leavesItEmpty_andClearForgetsAll() {
    IdTable table = new IdTable();
    for (long i = 0; i < 1000; i++) {
      table.put(i, -i, i);
    }
    for (long i = 0; i < 1000; i += 2) {
      table.removeAt(table.find(i, -i));
    }
    assertThat(table.size()).isEqualTo(500);
    assertThat(table.get(3, -3)).isEqualTo(3L);
    assertThat(table.get(4, -4)).isNull();
    table.clear();
    assertThat(table.size()).isZero();
    for (long i : List.of(1L, 3L, 999L)) {
      assertThat(table.get(i, -i)).isNull();
    }
  }
}
