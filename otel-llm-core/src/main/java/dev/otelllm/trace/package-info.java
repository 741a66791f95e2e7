/**
 * The interactions kept in memory: {@link dev.otelllm.trace.Interaction} (one model call, read from
 * its span), the {@link dev.otelllm.trace.TraceBuffer} span processor with its indexes, {@link
 * dev.otelllm.trace.TraceQuery}, the session-baggage processor and the sampler that records dropped
 * GenAI spans.
 *
 * <p>Nothing here accepts or returns null unless it says so.
 */
@NullMarked
package dev.otelllm.trace;

import org.jspecify.annotations.NullMarked;
