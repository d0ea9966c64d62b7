// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InternTableTest {

  @Test
  void intern_equalValues_getOneDenseId() {
    InternTable<String> t = new InternTable<>(1 << 20);
    for (int i = 0; i < 10_000; i++) {
      assertThat(t.intern("v" + i)).isEqualTo(i);
    }
    for (int i = 0; i < 10_000; i++) {
      // New instances: found by equality, not identity.
      assertThat(t.intern(new String("v" + i))).isEqualTo(i);
      assertThat(t.find("v" + i)).isEqualTo(i);
      assertThat(t.get(i)).isEqualTo("v" + i);
    }
    assertThat(t.find("absent")).isEqualTo(-1);
    assertThat(t.size()).isEqualTo(10_000);
  }

  @Test
  void intern_collidingHashes_keepsValuesApart() {
    InternTable<String> t = new InternTable<>(100);
    // "Aa" and "BB" have the same String hash, and so do all their concatenations.
    List<String> colliding = List.of("AaAa", "AaBB", "BBAa", "BBBB");
    for (int i = 0; i < colliding.size(); i++) {
      assertThat(t.intern(colliding.get(i))).isEqualTo(i);
    }
    for (int i = 0; i < colliding.size(); i++) {
      assertThat(t.find(colliding.get(i))).isEqualTo(i);
    }
  }

  @Test
  void intern_full_answersMinusOneButKeepsExistingIds() {
    InternTable<String> t = new InternTable<>(3);
    assertThat(t.intern("a")).isZero();
    assertThat(t.intern("b")).isEqualTo(1);
    assertThat(t.intern("c")).isEqualTo(2);
    assertThat(t.intern("d")).isEqualTo(-1);
    assertThat(t.intern("b")).isEqualTo(1);
    assertThat(t.find("d")).isEqualTo(-1);
    assertThatThrownBy(() -> new InternTable<String>(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void intern_concurrentWriters_agreeOnEveryId() throws Exception {
    InternTable<String> t = new InternTable<>(1 << 20);
    int threads = 4;
    int values = 20_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<int[]>> results = new ArrayList<>();
      for (int th = 0; th < threads; th++) {
        int offset = th;
        results.add(pool.submit(() -> {
          start.await();
          int[] ids = new int[values];
          for (int n = 0; n < values; n++) {
            int v = (n * 7 + offset * 13) % values; // different orders per thread
            ids[v] = t.intern("value-" + v);
          }
          return ids;
        }));
      }
      start.countDown();
      int[] first = results.get(0).get(30, TimeUnit.SECONDS);
      for (Future<int[]> f : results) {
        assertThat(f.get(30, TimeUnit.SECONDS)).containsExactly(first);
      }
      Set<Integer> distinct = new HashSet<>();
      for (int v = 0; v < values; v++) {
        assertThat(t.get(first[v])).isEqualTo("value-" + v);
        distinct.add(first[v]);
      }
      assertThat(distinct).hasSize(values);
      assertThat(t.size()).isEqualTo(values);
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }
}
