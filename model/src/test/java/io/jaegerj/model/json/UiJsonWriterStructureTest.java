// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jaegerj.model.KeyValue;
import io.jaegerj.model.Span;
import io.jaegerj.model.TestTraces;
import io.jaegerj.model.Trace;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Checks the writer's output with independent means: a generic JSON parser and Go's Indent algorithm. */
class UiJsonWriterStructureTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Go's json.Indent(dst, src, "", "    ") over compact input, written from its documented behaviour. */
  static String goIndent(String compact) {
    StringBuilder out = new StringBuilder();
    int depth = 0;
    boolean inString = false;
    boolean needIndent = false;
    for (int i = 0; i < compact.length(); i++) {
      char c = compact.charAt(i);
      if (inString) {
        out.append(c);
        if (c == '\\') {
          out.append(compact.charAt(++i));
        } else if (c == '"') {
          inString = false;
        }
        continue;
      }
      if (needIndent && c != ']' && c != '}') {
        needIndent = false;
        depth++;
        newline(out, depth);
      }
      switch (c) {
        case '"':
          inString = true;
          out.append(c);
          break;
        case '{':
        case '[':
          out.append(c);
          needIndent = true;
          break;
        case ',':
          out.append(c);
          newline(out, depth);
          break;
        case ':':
          out.append(": ");
          break;
        case '}':
        case ']':
          if (needIndent) {
            needIndent = false; // empty container stays on one line
          } else {
            depth--;
            newline(out, depth);
          }
          out.append(c);
          break;
        default:
          out.append(c);
      }
    }
    return out.toString();
  }

  private static void newline(StringBuilder out, int depth) {
    out.append('\n');
    for (int i = 0; i < depth; i++) {
      out.append("    ");
    }
  }

  @Test
  void prettyOutput_equalsGoIndentOfCompactOutput() throws IOException {
    for (Trace t : List.of(TestTraces.rich(), TestTraces.simple64(), Trace.of(List.of()), TestTraces.many(30, 11))) {
      String compact = UiJsonWriterTest.trace(t, false);
      assertThat(UiJsonWriterTest.trace(t, true)).isEqualTo(goIndent(compact));
    }
    List<Trace> all = List.of(TestTraces.rich(), TestTraces.simple64());
    assertThat(UiJsonWriterTest.envelope(all, true)).isEqualTo(goIndent(UiJsonWriterTest.envelope(all, false)));
  }

  @Test
  void compactOutput_hasExpectedShapeForGenericParser() throws IOException {
    Trace rich = TestTraces.rich();
    JsonNode root = MAPPER.readTree(UiJsonWriterTest.trace(rich, false));
    assertThat(fieldNames(root)).containsExactly("traceID", "spans", "processes", "warnings");
    assertThat(root.get("traceID").asText()).isEqualTo("5af7183fb1d4cf5f8000000000000001");
    assertThat(fieldNames(root.get("processes"))).containsExactly("p1", "p2", "p3");
    assertThat(root.get("warnings").get(0).asText()).isEqualTo("trace warning");

    JsonNode spans = root.get("spans");
    assertThat(spans).hasSize(4);
    assertThat(fieldNames(spans.get(0))).containsExactly("traceID", "spanID", "flags", "operationName",
        "references", "startTime", "duration", "tags", "logs", "processID", "warnings");
    assertThat(fieldNames(spans.get(3))).containsExactly("traceID", "spanID", "operationName",
        "references", "startTime", "duration", "tags", "logs", "processID", "warnings");
    assertThat(spans.get(0).get("warnings").isNull()).isTrue();
    assertThat(spans.get(1).get("flags").asInt()).isEqualTo(11);
    assertThat(spans.get(1).get("spanID").asText()).isEqualTo("ffffffffffffffff");
    assertThat(spans.get(1).get("references").get(1).get("traceID").asText()).isEqualTo("00000000000000ab");
    assertThat(spans.get(1).get("references").get(1).get("refType").asText()).isEqualTo("FOLLOWS_FROM");
    assertThat(spans.get(2).get("processID").asText()).isEqualTo("p1");
    assertThat(spans.get(2).get("duration").asLong()).isEqualTo(Long.MAX_VALUE);

    // every tag's value, read back by a generic parser, matches the model value
    JsonNode tags = spans.get(1).get("tags");
    Span child = rich.spans().get(1);
    for (int i = 0; i < child.tags().size(); i++) {
      KeyValue kv = child.tags().get(i);
      JsonNode node = tags.get(i);
      assertThat(fieldNames(node)).containsExactly("key", "type", "value");
      assertThat(node.get("key").asText()).isEqualTo(kv.key());
      assertThat(node.get("type").asText()).isEqualTo(kv.type().jsonName());
      JsonNode v = node.get("value");
      switch (kv.type()) {
        case STRING:
          assertThat(v.asText()).isEqualTo(kv.stringValue());
          break;
        case BOOL:
          assertThat(v.asBoolean()).isEqualTo(kv.boolValue());
          break;
        case INT64:
          assertThat(v.isNumber() || v.isTextual()).isTrue();
          assertThat(Long.parseLong(v.asText())).isEqualTo(kv.int64Value());
          assertThat(v.isTextual()).isEqualTo(Math.abs((double) kv.int64Value()) > 9007199254740991.0);
          break;
        case FLOAT64:
          double d = kv.float64Value();
          assertThat(v.isTextual()).isEqualTo(Double.isNaN(d) || Double.isInfinite(d));
          // compared numerically: a tree parser reads "-0" as the integer 0 (the sign is checked byte-wise elsewhere)
          double back = v.isTextual() ? Double.parseDouble(v.asText()) : v.asDouble();
          assertThat(back == d || (Double.isNaN(back) && Double.isNaN(d))).as(kv.key()).isTrue();
          break;
        case BINARY:
          assertThat(v.binaryValue()).isEqualTo(kv.binaryValue());
          break;
        default:
          throw new AssertionError(kv.type());
      }
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }
}
