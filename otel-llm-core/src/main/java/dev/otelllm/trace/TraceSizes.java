package dev.otelllm.trace;

import dev.otelllm.Message;
import dev.otelllm.Part;

/** Estimates the heap an {@link Interaction} retains, for the buffer's byte bound. */
final class TraceSizes {
  private TraceSizes() {}

  /**
   * Record, ids, timestamps, maps and lists of a typical interaction, measured with JOL. Text
   * counts one byte per character (Latin-1 strings); text outside Latin-1 takes two, so the bound
   * can be up to twice too generous for it.
   */
  static final int FIXED_OVERHEAD = 600;

  static int estimate(Interaction t) {
    long n = FIXED_OVERHEAD;
    n += t.systemPrompt().length();
    for (Message m : t.messages()) {
      n += 64;
      for (Part p : m.parts()) {
        n += partSize(p);
      }
    }
    Interaction.Response r = t.response();
    n += r.content().length() + r.model().length() + r.id().length();
    for (Part p : r.toolCalls()) {
      n += partSize(p);
    }
    for (Part p : r.otherParts()) {
      n += partSize(p);
    }
    for (dev.otelllm.ToolDefinition d : t.tools()) {
      n += 64 + d.name().length() + d.description().length() + treeSize(d.parameters());
    }
    n += treeSize(t.metadata()) + treeSize(t.parameters());
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  private static long partSize(Part p) {
    if (p instanceof Part.Text t) {
      return 40 + t.content().length();
    }
    if (p instanceof Part.Reasoning r) {
      return 40 + r.content().length();
    }
    if (p instanceof Part.ToolCall c) {
      return 64 + c.id().length() + c.name().length() + treeSize(c.arguments());
    }
    if (p instanceof Part.ToolCallResponse r) {
      return 48 + r.id().length() + treeSize(r.response());
    }
    if (p instanceof Part.Blob b) {
      return 64 + b.mimeType().length() + b.base64Content().length();
    }
    if (p instanceof Part.Uri u) {
      return 64 + u.mimeType().length() + u.uri().length();
    }
    return 48 + treeSize(((Part.Generic) p).fields());
  }

  static long treeSize(Object node) {
    return dev.otelllm.internal.JsonTree.estimatedSize(node);
  }
}
