/** What the framework examples share: a fake OpenAI server on loopback and the per-step table. */
@NullMarked
package dev.otelllm.examples.support;

import org.jspecify.annotations.NullMarked;
