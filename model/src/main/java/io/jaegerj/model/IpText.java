// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.model;

/** Renders and parses IP addresses the way Go's {@code net.IP} does, so stored tags match Jaeger's text. */
public final class IpText {
  private IpText() {}

  /** The packed big-endian IPv4 address as {@code a.b.c.d}. */
  public static String ipv4(int packed) {
    return ((packed >>> 24) & 0xff) + "." + ((packed >>> 16) & 0xff) + "." + ((packed >>> 8) & 0xff) + "."
        + (packed & 0xff);
  }

  /** Go's {@code net.IP.String()}: IPv4-mapped addresses as dotted quads, others in RFC 5952 compressed form. */
  public static String of(byte[] ip) {
    if (ip.length == 4) {
      return ipv4(((ip[0] & 0xff) << 24) | ((ip[1] & 0xff) << 16) | ((ip[2] & 0xff) << 8) | (ip[3] & 0xff));
    }
    if (ip.length != 16) {
      StringBuilder b = new StringBuilder("?");
      for (byte x : ip) {
        b.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
      }
      return b.toString();
    }
    boolean mapped = true;
    for (int i = 0; i < 10; i++) {
      mapped &= ip[i] == 0;
    }
    if (mapped && ip[10] == (byte) 0xff && ip[11] == (byte) 0xff) {
      return ipv4(((ip[12] & 0xff) << 24) | ((ip[13] & 0xff) << 16) | ((ip[14] & 0xff) << 8) | (ip[15] & 0xff));
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((ip[2 * i] & 0xff) << 8) | (ip[2 * i + 1] & 0xff);
    }
    // Longest run of at least two zero groups is replaced by "::".
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLen && j - i >= 2) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder b = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        b.append("::");
        i += bestLen - 1;
        continue;
      }
      if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
        b.append(':');
      }
      b.append(Integer.toHexString(groups[i]));
    }
    return b.toString();
  }

  /** Parses a literal IPv4 or IPv6 address without any name lookup; null when it is not one. */
  public static byte[] parse(String s) {
    if (s.indexOf(':') < 0) {
      return parseV4(s);
    }
    return parseV6(s);
  }

  private static byte[] parseV4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
        return null;
      }
      int v = 0;
      for (int k = 0; k < p.length(); k++) {
        char c = p.charAt(k);
        if (c < '0' || c > '9') {
          return null;
        }
        v = v * 10 + (c - '0');
      }
      if (v > 255) {
        return null;
      }
      out[i] = (byte) v;
    }
    return out;
  }

  private static byte[] parseV6(String s) {
    int dbl = s.indexOf("::");
    if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
      return null;
    }
    byte[] out = new byte[16];
    String head = dbl >= 0 ? s.substring(0, dbl) : s;
    String tail = dbl >= 0 ? s.substring(dbl + 2) : "";
    int[] h = groups(head);
    int[] t = groups(tail);
    if (h == null || t == null) {
      return null;
    }
    int total = h.length + t.length;
    if (dbl < 0 ? total != 8 : total > 7) {
      return null;
    }
    for (int i = 0; i < h.length; i++) {
      out[2 * i] = (byte) (h[i] >> 8);
      out[2 * i + 1] = (byte) h[i];
    }
    for (int i = 0; i < t.length; i++) {
      int g = 8 - t.length + i;
      out[2 * g] = (byte) (t[i] >> 8);
      out[2 * g + 1] = (byte) t[i];
    }
    return out;
  }

  /** Hex groups of one side of "::"; a trailing dotted quad counts as two groups. */
  private static int[] groups(String s) {
    if (s.isEmpty()) {
      return new int[0];
    }
    String[] parts = s.split(":", -1);
    int extra = parts[parts.length - 1].indexOf('.') >= 0 ? 1 : 0;
    int[] out = new int[parts.length + extra];
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (i == parts.length - 1 && extra == 1) {
        byte[] v4 = parseV4(p);
        if (v4 == null) {
          return null;
        }
        out[i] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
        out[i + 1] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
        continue;
      }
      if (p.isEmpty() || p.length() > 4) {
        return null;
      }
      int v = 0;
      for (int k = 0; k < p.length(); k++) {
        int d = Character.digit(p.charAt(k), 16);
        if (d < 0) {
          return null;
        }
        v = v * 16 + d;
      }
      out[i] = v;
    }
    return out;
  }
}
