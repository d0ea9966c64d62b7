// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model;

import java.nio.charset.StandardCharsets;

/** Go's two ways of quoting input inside error messages, so our error texts match Jaeger's byte for byte. */
public final class GoQuote {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private GoQuote() {}

  /**
   * {@code strconv.Quote}: printable characters as they are, {@code \" \\ \a \b \f \n \r \t \v} short escapes,
   * other ASCII controls and DEL as {@code \xHH}, other unprintable characters as {@code \}{@code uXXXX} or
   * {@code \UXXXXXXXX}, and an unpaired surrogate as Go's escape of the replacement character.
   */
  public static String strconv(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      switch (cp) {
        case '"':
          b.append("\\\"");
          continue;
        case '\\':
          b.append("\\\\");
          continue;
        case 0x07:
          b.append("\\a");
          continue;
        case '\b':
          b.append("\\b");
          continue;
        case '\f':
          b.append("\\f");
          continue;
        case '\n':
          b.append("\\n");
          continue;
        case '\r':
          b.append("\\r");
          continue;
        case '\t':
          b.append("\\t");
          continue;
        case 0x0b:
          b.append("\\v");
          continue;
        default:
          break;
      }
      if (cp < 0x20 || cp == 0x7f) {
        b.append("\\x").append(HEX[cp >> 4]).append(HEX[cp & 0xf]);
      } else if (Character.isSurrogate((char) cp) && cp <= 0xffff) {
        b.append("\\ufffd");
      } else if (isPrint(cp)) {
        b.appendCodePoint(cp);
      } else if (cp < 0x10000) {
        b.append("\\u");
        appendHex(b, cp, 4);
      } else {
        b.append("\\U");
        appendHex(b, cp, 8);
      }
    }
    return b.append('"').toString();
  }

  /**
   * The {@code time} package's quoting: ASCII printable characters as they are ({@code "} and {@code \} escaped),
   * every UTF-8 byte of anything else as {@code \xHH}.
   */
  static String time(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int n = Character.charCount(cp);
      if (cp >= 0x80 || cp < 0x20) {
        String one = Character.isSurrogate((char) cp) && n == 1 ? "\uFFFD" : s.substring(i, i + n);
        for (byte x : one.getBytes(StandardCharsets.UTF_8)) {
          b.append("\\x").append(HEX[(x >> 4) & 0xf]).append(HEX[x & 0xf]);
        }
      } else {
        if (cp == '"' || cp == '\\') {
          b.append('\\');
        }
        b.append((char) cp);
      }
      i += n;
    }
    return b.append('"').toString();
  }

  private static boolean isPrint(int cp) {
    if (cp == ' ') {
      return true;
    }
    switch (Character.getType(cp)) {
      case Character.CONTROL:
      case Character.FORMAT:
      case Character.LINE_SEPARATOR:
      case Character.PARAGRAPH_SEPARATOR:
      case Character.SPACE_SEPARATOR:
      case Character.UNASSIGNED:
      case Character.SURROGATE:
      case Character.PRIVATE_USE:
        return false;
      default:
        return true;
    }
  }

  private static void appendHex(StringBuilder b, int v, int width) {
    for (int shift = (width - 1) * 4; shift >= 0; shift -= 4) {
      b.append(HEX[(v >> shift) & 0xf]);
    }
  }
}
