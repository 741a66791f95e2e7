/**
 * Interactions written out: JSONL, JSON, Markdown and HTML reports ({@link
 * dev.otelllm.export.TraceExport}) and summary figures ({@link dev.otelllm.export.TraceSummary}).
 *
 * <p>Nothing here accepts or returns null unless it says so.
 */
@NullMarked
package dev.otelllm.export;

import org.jspecify.annotations.NullMarked;
