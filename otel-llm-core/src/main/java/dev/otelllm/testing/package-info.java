/**
 * A deterministic provider for tests: answers without a network, scripted or echoed.
 *
 * <p>Nothing here accepts or returns null unless it says so.
 */
@NullMarked
package dev.otelllm.testing;

import org.jspecify.annotations.NullMarked;
