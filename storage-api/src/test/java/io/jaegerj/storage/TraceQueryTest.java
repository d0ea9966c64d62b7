// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceQueryTest {
  private static TraceQuery.Builder valid() {
    return TraceQuery.builder("svc").startTimeMinMicros(1_000).startTimeMaxMicros(2_000);
  }

  @Test
  void validate_completeQuery_passes() {
    assertThatCode(() -> valid().durationMinMicros(5).durationMaxMicros(5).build().validate())
        .doesNotThrowAnyException();
    assertThatCode(() -> valid().durationMinMicros(50).build().validate()).doesNotThrowAnyException();
  }

  @Test
  void validate_emptyService_throws() {
    assertThatThrownBy(() -> TraceQuery.builder("").startTimeMinMicros(1).startTimeMaxMicros(2).build().validate())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("service Name must be set");
  }

  @Test
  void validate_missingTimeBound_throws() {
    assertThatThrownBy(() -> TraceQuery.builder("svc").startTimeMaxMicros(2).build().validate())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("start and End Time must be set");
    assertThatThrownBy(() -> TraceQuery.builder("svc").startTimeMinMicros(2).build().validate())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("start and End Time must be set");
  }

  @Test
  void validate_reversedBounds_throw() {
    assertThatThrownBy(() -> valid().startTimeMinMicros(3_000).build().validate())
        .hasMessage("start Time Minimum is above Maximum");
    assertThatThrownBy(() -> valid().durationMinMicros(10).durationMaxMicros(9).build().validate())
        .hasMessage("duration Minimum is above Maximum");
  }

  @Test
  void constructor_copiesTagsAndRejectsNulls() {
    Map<String, String> tags = new HashMap<>();
    tags.put("k", "v");
    TraceQuery q = new TraceQuery("", "svc", "", tags, 1, 2, 0, 0, 10);
    tags.put("other", "x");
    assertThat(q.tags()).containsExactly(Map.entry("k", "v"));
    assertThatThrownBy(() -> q.tags().put("a", "b")).isInstanceOf(UnsupportedOperationException.class);

    Map<String, String> withNull = new HashMap<>();
    withNull.put("k", null);
    assertThatThrownBy(() -> new TraceQuery("", "svc", "", withNull, 1, 2, 0, 0, 10))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("tag value");
  }
}
