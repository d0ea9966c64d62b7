// SPDX-License-Identifier: Apache-2.0
/**
 * Zipkin ingestion on 9411 and Jaeger's own Zipkin converter for the legacy agent.
 *
 * <p>Bodies are parsed by our own readers rather than Zipkin's Java codecs because those change the data Jaeger
 * keeps: they lower-case span and service names, split shared v1 client/server spans in two and drop typed v1
 * binary annotations. The conversion follows what Jaeger 1.74 stores (Zipkin to OTLP with the contrib translators,
 * then OTLP to Jaeger); Zipkin's encoders and reporter are used in the tests as the independent implementation.
 *
 * <p>Deliberate differences from Jaeger 1.74's 9411 answers: a method other than POST gets 405 (Jaeger tries to
 * decode it), a media type that is neither JSON nor the version's binary type gets 415 (Jaeger decodes it as JSON),
 * a binary media type with parameters is still decoded as binary, and a full pipeline gets a retryable 503 with
 * {@code Retry-After: 1} (Jaeger answers 500). Tag order follows the wire order where Go iterates a map.
 */
package io.jaegerj.collector.zipkin;
