// SPDX-License-Identifier: Apache-2.0
/**
 * Hand-written readers for jaeger.thrift, agent.thrift and zipkincore.thrift on libthrift's protocol API (binary and
 * compact), with every length bounded by the bytes present and one declared error type.
 */
package io.jaegerj.collector.thrift;
