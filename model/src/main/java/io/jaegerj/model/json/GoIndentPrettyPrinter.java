// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import java.io.IOException;

/**
 * The layout of Go's {@code json.MarshalIndent(v, "", "    ")}: one member or element per line, {@code "key": value},
 * empty containers as {@code {}} and {@code []}, root values separated by a newline. One instance per generator
 * (it tracks the nesting depth).
 */
final class GoIndentPrettyPrinter implements PrettyPrinter {
  private static final int MAX_CACHED = 32;
  private static final String[] NEWLINE_INDENTS = new String[MAX_CACHED];

  static {
    StringBuilder b = new StringBuilder("\n");
    for (int i = 0; i < MAX_CACHED; i++) {
      NEWLINE_INDENTS[i] = b.toString();
      b.append("    ");
    }
  }

  private int depth;

  private void newline(JsonGenerator g) throws IOException {
    if (depth < MAX_CACHED) {
      g.writeRaw(NEWLINE_INDENTS[depth]);
      return;
    }
    g.writeRaw('\n');
    for (int i = 0; i < depth; i++) {
      g.writeRaw("    ");
    }
  }

  @Override
  public void writeRootValueSeparator(JsonGenerator g) throws IOException {
    g.writeRaw('\n');
  }

  @Override
  public void writeStartObject(JsonGenerator g) throws IOException {
    g.writeRaw('{');
    depth++;
  }

  @Override
  public void writeEndObject(JsonGenerator g, int nrOfEntries) throws IOException {
    depth--;
    if (nrOfEntries > 0) {
      newline(g);
    }
    g.writeRaw('}');
  }

  @Override
  public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
    g.writeRaw(',');
    newline(g);
  }

  @Override
  public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
    g.writeRaw(": ");
  }

  @Override
  public void writeStartArray(JsonGenerator g) throws IOException {
    g.writeRaw('[');
    depth++;
  }

  @Override
  public void writeEndArray(JsonGenerator g, int nrOfValues) throws IOException {
    depth--;
    if (nrOfValues > 0) {
      newline(g);
    }
    g.writeRaw(']');
  }

  @Override
  public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
    g.writeRaw(',');
    newline(g);
  }

  @Override
  public void beforeArrayValues(JsonGenerator g) throws IOException {
    newline(g);
  }

  @Override
  public void beforeObjectEntries(JsonGenerator g) throws IOException {
    newline(g);
  }
}
