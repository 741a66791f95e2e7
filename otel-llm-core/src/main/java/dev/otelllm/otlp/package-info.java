/**
 * Spans that left the process: OTLP JSON and protobuf files of the Collector's file exporter read
 * back into interactions with the same mapping as the in-memory buffer ({@link
 * dev.otelllm.otlp.OtlpFileReader}).
 *
 * <p>Nothing here accepts or returns null unless it says so.
 */
@NullMarked
package dev.otelllm.otlp;

import org.jspecify.annotations.NullMarked;
