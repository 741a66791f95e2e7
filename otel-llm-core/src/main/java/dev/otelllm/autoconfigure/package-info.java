/**
 * The OpenTelemetry autoconfigure SPI: the library's processors, export content policy, export
 * bounds and sampler wrapper for any autoconfigured SDK, the Java agent's included.
 *
 * <p>Nothing here accepts or returns null unless it says so.
 */
@NullMarked
package dev.otelllm.autoconfigure;

import org.jspecify.annotations.NullMarked;
