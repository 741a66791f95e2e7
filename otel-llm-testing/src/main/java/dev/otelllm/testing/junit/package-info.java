/**
 * A JUnit 5 extension that gives each test a fresh {@link dev.otelllm.LlmTracing}: {@link
 * dev.otelllm.testing.junit.LlmTracingExtension}.
 *
 * <p>Nothing here accepts or returns null unless it says so.
 */
@NullMarked
package dev.otelllm.testing.junit;

import org.jspecify.annotations.NullMarked;
