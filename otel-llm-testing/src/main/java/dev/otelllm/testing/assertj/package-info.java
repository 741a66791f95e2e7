/**
 * Fluent assertions over kept interactions, for an application's own tests: {@link
 * dev.otelllm.testing.assertj.InteractionAssertions#assertThat}.
 *
 * <p>Nothing here accepts or returns null unless it says so.
 */
@NullMarked
package dev.otelllm.testing.assertj;

import org.jspecify.annotations.NullMarked;
