// SPDX-License-Identifier: Apache-2.0
package io.jaegerj.collector.thrift;

/** The Thrift encodings Jaeger clients use: binary (HTTP 14268, UDP 6832) and compact (UDP 6831 and 5775). */
public enum ThriftProtocol {
  BINARY,
  COMPACT
}
