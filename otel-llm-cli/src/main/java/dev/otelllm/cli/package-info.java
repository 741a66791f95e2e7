/**
 * The command-line converter of {@code otel-llm-cli.jar}: OTLP span files to interactions and
 * summaries.
 *
 * <p>Nothing here accepts or returns null unless it says so.
 */
@NullMarked
package dev.otelllm.cli;

import org.jspecify.annotations.NullMarked;
