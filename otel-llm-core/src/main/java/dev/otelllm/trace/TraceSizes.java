package dev.otelllm.trace;

import dev.otelllm.Message;
import dev.otelllm.Part;

/** Estimates the heap an {@link LlmTrace} retains, for the buffer's byte bound. */
final class TraceSizes {
  private TraceSizes() {}

  /** Record, ids, timestamps, maps and lists of a typical interaction, measured with JOL. */
  static final int FIXED_OVERHEAD = 600;

  static int estimate(LlmTrace t) {
    long n = FIXED_OVERHEAD;
    n += t.systemPrompt().length();
    for (Message m : t.messages()) {
      n += 64;
      for (Part p : m.parts()) {
        n += partSize(p);
      }
    }
    n += t.response().content().length();
    for (Part p : t.response().toolCalls()) {
      n += partSize(p);
    }
    n += 48L * (t.metadata().size() + t.parameters().size());
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  private static int partSize(Part p) {
    if (p instanceof Part.Text t) {
      return 40 + t.content().length();
    }
    if (p instanceof Part.Reasoning r) {
      return 40 + r.content().length();
    }
    if (p instanceof Part.ToolCall c) {
      return 120 + c.name().length() + String.valueOf(c.arguments()).length();
    }
    if (p instanceof Part.ToolCallResponse r) {
      return 80 + String.valueOf(r.response()).length();
    }
    return 120 + String.valueOf(p).length();
  }
}
