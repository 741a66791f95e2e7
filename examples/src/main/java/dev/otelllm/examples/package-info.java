/**
 * Runnable programs; the traced code-generation workflow first.
 *
 * <p>Nothing here accepts or returns null unless it says so.
 */
@NullMarked
package dev.otelllm.examples;

import org.jspecify.annotations.NullMarked;
