package dev.otelllm.export;

import dev.otelllm.Message;
import dev.otelllm.Part;
import dev.otelllm.Usage;
import dev.otelllm.internal.JsonTree;
import dev.otelllm.trace.Interaction;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Markdown report: a summary table, a Mermaid gantt of the timeline (one section per trace, so
 * a workflow's steps and retries line up), then one section per interaction. Every piece of content
 * sits in a fence longer than any backtick run inside it, and every inline value in an inline code
 * span that it cannot close, so content never breaks out of its block; control and bidirectional
 * characters are shown as {@code \\uXXXX}, so content cannot hide or reorder text.
 */
final class MarkdownReport {
  private MarkdownReport() {}

  static void write(List<Interaction> traces, Writer w) throws IOException {
    TraceSummary s = TraceSummary.of(traces);
    w.write("# LLM interactions\n\n");
    w.write(
        "| interactions | errors | input tokens | output tokens | total tokens | total time | mean | p50 | p95 | p99 | tokens/s |\n");
    w.write("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    w.write(
        String.format(
            Locale.ROOT,
            "| %d | %d (%.1f%%) | %d | %d | %d | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f |%n%n",
            s.count(),
            s.errors(),
            s.errorRate() * 100,
            s.inputTokens(),
            s.outputTokens(),
            s.totalTokens(),
            s.totalTimeMs(),
            s.meanTimeMs(),
            s.p50TimeMs(),
            s.p95TimeMs(),
            s.p99TimeMs(),
            s.tokensPerSecond()));
    if (s.streamed() > 0) {
      w.write(
          String.format(
              Locale.ROOT,
              "Streamed: %d, mean time to first chunk %.1f ms.%n%n",
              s.streamed(),
              s.meanTimeToFirstChunkMs()));
    }
    if (!s.byStepType().isEmpty()
        && !(s.byStepType().size() == 1 && s.byStepType().containsKey(TraceSummary.NONE))) {
      w.write("| step type | interactions | errors | tokens | time |\n|---|---:|---:|---:|---:|\n");
      for (Map.Entry<String, TraceSummary.Group> e : s.byStepType().entrySet()) {
        TraceSummary.Group g = e.getValue();
        w.write(
            "| "
                + cell(e.getKey())
                + " | "
                + g.count()
                + " | "
                + g.errors()
                + " | "
                + g.totalTokens()
                + " | "
                + String.format(Locale.ROOT, "%.1f ms", g.totalTimeMs())
                + " |\n");
      }
      w.write("\n");
    }
    if (traces.isEmpty()) {
      w.write("No interactions.\n");
      return;
    }
    writeTimeline(traces, w);
    int i = 1;
    for (Interaction t : traces) {
      writeInteraction(i++, t, w);
    }
  }

  private static void writeTimeline(List<Interaction> traces, Writer w) throws IOException {
    w.write(
        "## Timeline\n\n```mermaid\ngantt\n  title LLM interactions\n  dateFormat x\n  axisFormat %H:%M:%S\n");
    Map<String, List<Integer>> byTrace = new LinkedHashMap<>();
    for (int i = 0; i < traces.size(); i++) {
      byTrace.computeIfAbsent(traces.get(i).traceId(), k -> new ArrayList<>()).add(i);
    }
    for (Map.Entry<String, List<Integer>> e : byTrace.entrySet()) {
      w.write(
          "  section trace "
              + mermaidLabel(e.getKey().substring(0, Math.min(8, e.getKey().length())))
              + "\n");
      for (int i : e.getValue()) {
        Interaction t = traces.get(i);
        long start = t.startEpochNanos() / 1_000_000;
        long end = Math.max(start + 1, (t.startEpochNanos() + t.durationNanos()) / 1_000_000);
        w.write(
            "  "
                + mermaidLabel((i + 1) + " " + label(t))
                + " :"
                + (t.failed() ? "crit, " : "done, ")
                + "i"
                + (i + 1)
                + ", "
                + start
                + ", "
                + end
                + "\n");
      }
    }
    w.write("```\n\n");
  }

  private static String label(Interaction t) {
    Object step = t.metadata().get("step_type");
    Object attempt = t.metadata().get("attempt_number");
    String base = step != null ? String.valueOf(step) : t.operation() + " " + t.model();
    return attempt != null ? base + " attempt " + attempt : base;
  }

  private static void writeInteraction(int i, Interaction t, Writer w) throws IOException {
    w.write("## " + i + ". " + heading(label(t)) + (t.failed() ? " (failed)" : "") + "\n\n");
    Usage u = t.response().usage().orElse(null);
    w.write(
        "- **When:** "
            + code(t.isoTimestamp())
            + " · **Time:** "
            + String.format(Locale.ROOT, "%.1f ms", t.generationTimeMs())
            + "\n");
    w.write(
        "- **Provider:** "
            + code(t.provider())
            + " · **Model:** "
            + code(t.model())
            + (t.response().model().isEmpty() ? "" : " → " + code(t.response().model()))
            + "\n");
    w.write(
        "- **Trace:** "
            + code(t.traceId())
            + " · **Span:** "
            + code(t.spanId())
            + (t.parentSpanId().isEmpty() ? "" : " · **Parent:** " + code(t.parentSpanId()))
            + (t.sessionId().isEmpty() ? "" : " · **Session:** " + code(t.sessionId()))
            + "\n");
    w.write(
        "- **Tokens:** "
            + (u == null
                ? "not reported"
                : u.inputTokens()
                    + " in / "
                    + u.outputTokens()
                    + " out / "
                    + u.totalTokens()
                    + " total")
            + " · **Finish reason:** "
            + code(t.response().finishReason())
            + "\n");
    t.response()
        .timeToFirstChunkSeconds()
        .ifPresent(
            s -> {
              try {
                w.write(
                    "- **Time to first chunk:** "
                        + String.format(Locale.ROOT, "%.1f ms", s * 1000)
                        + "\n");
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    if (!t.metadata().isEmpty()) {
      w.write("- **Metadata:** " + pairs(t.metadata()) + "\n");
    }
    if (!t.parameters().isEmpty()) {
      w.write("- **Parameters:** " + pairs(t.parameters()) + "\n");
    }
    if (!"full".equals(t.contentCapture())) {
      w.write(
          "- **Content:** "
              + code(t.contentCapture())
              + (t.contentTruncated() ? " (cut to a byte budget)" : "")
              + "\n");
    }
    w.write("\n");
    if (t.error().isPresent()) {
      w.write(
          "**Error** "
              + code(t.error().get().type())
              + "\n\n"
              + fence(t.error().get().message(), "text"));
    }
    if (!t.systemPrompt().isEmpty()) {
      w.write("### System prompt\n\n" + fence(t.systemPrompt(), "text"));
    }
    List<Message> messages = t.messages();
    int prompt = -1;
    for (int m = messages.size() - 1; m >= 0 && prompt < 0; m--) {
      if (Message.USER.equals(messages.get(m).role())) {
        prompt = m;
      }
    }
    if (messages.size() > (prompt >= 0 ? 1 : 0)) {
      // Everything but the prompt, in order: earlier turns, and tool results sent after it.
      w.write("### Conversation\n\n");
      for (int m = 0; m < messages.size(); m++) {
        if (m == prompt) {
          w.write("*(the prompt, below)*\n\n");
          continue;
        }
        Message msg = messages.get(m);
        w.write(
            "**"
                + heading(msg.role())
                + "**\n\n"
                + fence(dev.otelllm.internal.InteractionMaps.messageContent(msg), "text"));
        for (Part.ToolCall c : msg.toolCalls()) {
          w.write(
              "Tool call "
                  + code(c.name())
                  + " "
                  + code(c.id())
                  + "\n\n"
                  + fence(JsonTree.toJson(c.arguments()), "json"));
        }
      }
    }
    w.write("### Prompt\n\n" + fence(t.prompt(), "text"));
    w.write("### Answer\n\n" + fence(t.response().content(), "text"));
    if (!t.response().toolCalls().isEmpty()) {
      w.write("### Tool calls\n\n");
      for (Part.ToolCall c : t.response().toolCalls()) {
        w.write(
            "- "
                + code(c.name())
                + (c.id().isEmpty() ? "" : " " + code(c.id()))
                + "\n\n"
                + indent(fence(JsonTree.toJson(c.arguments()), "json")));
      }
    }
  }

  private static String pairs(Map<String, Object> map) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Object> e : map.entrySet()) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      Object v = e.getValue();
      sb.append(code(e.getKey()))
          .append(" = ")
          .append(code(v instanceof String s ? s : JsonTree.toJson(v)));
    }
    return sb.toString();
  }

  /** A fenced block whose fence is longer than any backtick run in the text (at least three). */
  static String fence(String text, String info) {
    String clean = visible(text, true);
    String ticks = "`".repeat(Math.max(3, longestBacktickRun(clean) + 1));
    return ticks + info + "\n" + clean + (clean.endsWith("\n") ? "" : "\n") + ticks + "\n\n";
  }

  /** An inline code span the value cannot close; line breaks become spaces. */
  static String code(String value) {
    String clean = visible(value, false);
    if (clean.isEmpty()) {
      return "` `";
    }
    String ticks = "`".repeat(longestBacktickRun(clean) + 1);
    boolean pad =
        clean.startsWith("`")
            || clean.endsWith("`")
            || clean.startsWith(" ")
            || clean.endsWith(" ");
    return ticks + (pad ? " " + clean + " " : clean) + ticks;
  }

  /** Text for a heading or bold label: Markdown and HTML specials escaped, one line. */
  static String heading(String value) {
    String clean = visible(value, false);
    StringBuilder sb = new StringBuilder(clean.length() + 8);
    for (int i = 0; i < clean.length(); i++) {
      char c = clean.charAt(i);
      if (c == '<') {
        sb.append("&lt;");
      } else if (c == '>') {
        sb.append("&gt;");
      } else if (c == '&') {
        sb.append("&amp;");
      } else if ("\\`*_{}[]()#+-.!|~".indexOf(c) >= 0) {
        sb.append('\\').append(c);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String cell(String value) {
    return heading(value);
  }

  private static String mermaidLabel(String value) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < value.length() && sb.length() < 60; i++) {
      char c = value.charAt(i);
      sb.append(
          Character.isLetterOrDigit(c) && c < 128 || c == ' ' || c == '_' || c == '-' || c == '.'
              ? c
              : '_');
    }
    return sb.toString();
  }

  private static int longestBacktickRun(String s) {
    int longest = 0;
    int run = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '`') {
        run++;
        longest = Math.max(longest, run);
      } else {
        run = 0;
      }
    }
    return longest;
  }

  /**
   * Control characters and the characters that reorder text shown as {@code \\uXXXX} (tabs and, in
   * blocks, line breaks kept).
   */
  private static String visible(String s, boolean block) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean keep =
          c >= 0x20
                  && c != 0x7f
                  && !(c >= 0x80 && c < 0xa0)
                  && c != '\u2028'
                  && c != '\u2029'
                  && !reordersText(c)
              || c == '\t'
              || (block && c == '\n');
      if (!keep && sb == null) {
        sb = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (sb != null) {
        if (keep) {
          sb.append(c);
        } else if (!block && (c == '\n' || c == '\r')) {
          sb.append(' ');
        } else if (block && c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
          // CRLF: the LF that follows keeps the line break.
        } else {
          sb.append(String.format("\\u%04x", (int) c));
        }
      }
    }
    return sb == null ? s : sb.toString();
  }

  /**
   * The Unicode bidirectional controls: embeddings and overrides (U+202A to U+202E), isolates
   * (U+2066 to U+2069) and the marks U+200E, U+200F and U+061C. Written raw they are invisible yet
   * reorder the text around them, so content could show a reader something other than what it
   * holds; both reports show them as escapes instead.
   */
  static boolean reordersText(char c) {
    return c >= '\u202a' && c <= '\u202e'
        || c >= '\u2066' && c <= '\u2069'
        || c == '\u200e'
        || c == '\u200f'
        || c == '\u061c';
  }

  private static String indent(String block) {
    return "  " + block.replace("\n", "\n  ").stripTrailing() + "\n\n";
  }
}
