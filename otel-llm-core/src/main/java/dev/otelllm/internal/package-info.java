/**
 * Not API: classes public only because several packages of this library share them (span creation,
 * content encoding and truncation, the span-to-interaction mapping, the export pipeline). They may
 * change in any release.
 *
 * <p>Nothing here accepts or returns null unless it says so.
 */
@NullMarked
package dev.otelllm.internal;

import org.jspecify.annotations.NullMarked;
