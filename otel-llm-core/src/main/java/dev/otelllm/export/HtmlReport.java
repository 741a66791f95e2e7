package dev.otelllm.export;

import dev.otelllm.Message;
import dev.otelllm.Part;
import dev.otelllm.Usage;
import dev.otelllm.internal.JsonTree;
import dev.otelllm.trace.Interaction;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The HTML report: one self-contained page (no network access needed) with a summary, a waterfall
 * of the interactions grouped by trace (a workflow run is one group), each row expandable to its
 * messages, parameters and usage, and filters by session and step type.
 *
 * <p>Content is rendered on the server side and HTML-escaped, control and bidirectional characters
 * shown as marked escapes; the page's only script is a fixed text allowed by a
 * Content-Security-Policy hash, so a prompt containing {@code </script>} or {@code <img onerror>}
 * is shown, never run, even if escaping were ever wrong.
 */
final class HtmlReport {
  private HtmlReport() {}

  private static final String SCRIPT =
      String.join(
          "\n",
          "(function () {",
          "  var session = document.getElementById('f-session');",
          "  var step = document.getElementById('f-step');",
          "  function apply() {",
          "    var visible = 0;",
          "    document.querySelectorAll('section.group').forEach(function (group) {",
          "      var shown = 0;",
          "      group.querySelectorAll('details.row').forEach(function (row) {",
          "        var ok = (!session.value || row.dataset.session === session.value)",
          "          && (!step.value || row.dataset.step === step.value);",
          "        row.hidden = !ok;",
          "        if (ok) { shown++; }",
          "      });",
          "      group.hidden = shown === 0;",
          "      visible += shown;",
          "    });",
          "    document.body.dataset.visibleRows = String(visible);",
          "    document.getElementById('visible').textContent = String(visible);",
          "  }",
          "  // Deep links: #session=ID&step=TYPE preselects the filters.",
          "  location.hash.replace(/^#/, '').split('&').forEach(function (pair) {",
          "    var kv = pair.split('=');",
          "    var value = kv[1] || '';",
          "    try { value = decodeURIComponent(value); } catch (e) { /* a malformed link: use it as is */ }",
          "    if (kv[0] === 'session') { session.value = value; }",
          "    if (kv[0] === 'step') { step.value = value; }",
          "  });",
          "  session.addEventListener('change', apply);",
          "  step.addEventListener('change', apply);",
          "  apply();",
          "})();");

  private static final String SCRIPT_HASH = sha256(SCRIPT);

  private static final String STYLE =
      String.join(
          "\n",
          "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}",
          "table.summary{border-collapse:collapse;margin:.5em 0 1em}",
          "table.summary td,table.summary th{border:1px solid #ccc;padding:.2em .6em;text-align:right}",
          ".filters{margin:1em 0}.filters label{margin-right:1em}",
          "section.group{border:1px solid #ddd;border-radius:4px;margin:.6em 0;padding:.3em .6em}",
          ".grouphead{display:flex;gap:1em;align-items:center;font-weight:600}",
          "details.row{margin:.2em 0}details.row>summary{display:flex;gap:.8em;align-items:center;cursor:pointer}",
          ".label{flex:0 0 22em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}",
          ".lane{position:relative;flex:1 1 auto;height:12px;background:#f3f3f3}",
          ".bar{position:absolute;top:0;height:12px;background:#4a7bd0;min-width:2px}",
          ".bar.err{background:#d04a4a}.bar.group{background:#9bb4e0}",
          ".figures{flex:0 0 14em;text-align:right;color:#555}",
          "pre{white-space:pre-wrap;word-break:break-word;background:#f7f7f7;padding:.5em;border-radius:3px}",
          "table.kv td{padding:.1em .6em;vertical-align:top}.role{font-weight:600;margin-top:.6em}",
          ".error{color:#a00}",
          ".ctl{color:#a00;background:#fbe9e9;font-family:monospace}");

  static void write(List<Interaction> traces, Writer w) throws IOException {
    TraceSummary s = TraceSummary.of(traces);
    long t0 = Long.MAX_VALUE;
    long t1 = Long.MIN_VALUE;
    for (Interaction t : traces) {
      t0 = Math.min(t0, t.startEpochNanos());
      t1 = Math.max(t1, t.startEpochNanos() + t.durationNanos());
    }
    double span = traces.isEmpty() ? 1 : Math.max(1, t1 - t0);

    w.write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    w.write(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-"
            + SCRIPT_HASH
            + "'\">\n");
    w.write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    w.write(
        "<title>LLM interactions</title>\n<style>\n"
            + STYLE
            + "\n</style></head>\n<body data-rows=\""
            + traces.size()
            + "\">\n<h1>LLM interactions</h1>\n");
    w.write(
        "<table class=\"summary\"><tr><th>interactions</th><th>errors</th><th>input tokens</th><th>output tokens</th>"
            + "<th>total tokens</th><th>total time</th><th>mean</th><th>p50</th><th>p95</th><th>p99</th><th>tokens/s</th></tr>\n");
    w.write(
        String.format(
            Locale.ROOT,
            "<tr><td>%d</td><td>%d (%.1f%%)</td><td>%d</td><td>%d</td><td>%d</td><td>%.1f ms</td><td>%.1f ms</td>"
                + "<td>%.1f ms</td><td>%.1f ms</td><td>%.1f ms</td><td>%.1f</td></tr></table>%n",
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

    TreeSet<String> sessions = new TreeSet<>();
    TreeSet<String> steps = new TreeSet<>();
    for (Interaction t : traces) {
      sessions.add(t.sessionId());
      steps.add(step(t));
    }
    w.write(
        "<div class=\"filters\"><label>Session <select id=\"f-session\"><option value=\"\">all</option>");
    for (String v : sessions) {
      w.write(
          "<option value=\"" + attr(v) + "\">" + (v.isEmpty() ? "(none)" : attr(v)) + "</option>");
    }
    w.write(
        "</select></label><label>Step type <select id=\"f-step\"><option value=\"\">all</option>");
    for (String v : steps) {
      w.write(
          "<option value=\"" + attr(v) + "\">" + (v.isEmpty() ? "(none)" : attr(v)) + "</option>");
    }
    w.write(
        "</select></label> showing <span id=\"visible\">"
            + traces.size()
            + "</span> of "
            + traces.size()
            + "</div>\n");

    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < traces.size(); i++) {
      groups.computeIfAbsent(traces.get(i).traceId(), k -> new ArrayList<>()).add(i);
    }
    for (Map.Entry<String, List<Integer>> g : groups.entrySet()) {
      long gs = Long.MAX_VALUE;
      long ge = Long.MIN_VALUE;
      for (int i : g.getValue()) {
        Interaction t = traces.get(i);
        gs = Math.min(gs, t.startEpochNanos());
        ge = Math.max(ge, t.startEpochNanos() + t.durationNanos());
      }
      w.write(
          "<section class=\"group\" data-trace=\""
              + attr(g.getKey())
              + "\"><div class=\"grouphead\">"
              + "<span class=\"label\">trace "
              + esc(g.getKey())
              + " ("
              + g.getValue().size()
              + ")</span>"
              + bar("bar group", gs - t0, ge - gs, span)
              + "<span class=\"figures\">"
              + String.format(Locale.ROOT, "%.1f ms", (ge - gs) / 1e6)
              + "</span></div>\n");
      for (int i : g.getValue()) {
        writeRow(i + 1, traces.get(i), t0, span, w);
      }
      w.write("</section>\n");
    }
    w.write("<script>" + SCRIPT + "</script>\n</body></html>\n");
  }

  private static void writeRow(int n, Interaction t, long t0, double span, Writer w)
      throws IOException {
    Usage u = t.response().usage().orElse(null);
    Object attempt = t.metadata().get("attempt_number");
    String label =
        n
            + ". "
            + (step(t).isEmpty() ? t.operation() + " " + t.model() : step(t))
            + (attempt == null ? "" : " #" + attempt);
    w.write(
        "<details class=\"row\" data-session=\""
            + attr(t.sessionId())
            + "\" data-step=\""
            + attr(step(t))
            + "\">"
            + "<summary><span class=\"label\">"
            + esc(label)
            + (t.failed() ? " <span class=\"error\">failed</span>" : "")
            + "</span>"
            + bar(t.failed() ? "bar err" : "bar", t.startEpochNanos() - t0, t.durationNanos(), span)
            + "<span class=\"figures\">"
            + (u == null ? "-" : u.totalTokens() + " tok")
            + " · "
            + String.format(Locale.ROOT, "%.1f ms", t.generationTimeMs())
            + "</span></summary>\n");
    w.write("<table class=\"kv\">");
    kv(w, "time", t.isoTimestamp());
    kv(
        w,
        "provider / model",
        t.provider()
            + " / "
            + t.model()
            + (t.response().model().isEmpty() ? "" : " → " + t.response().model()));
    kv(
        w,
        "trace / span",
        t.traceId()
            + " / "
            + t.spanId()
            + (t.parentSpanId().isEmpty() ? "" : " (parent " + t.parentSpanId() + ")"));
    if (!t.sessionId().isEmpty()) {
      kv(w, "session", t.sessionId());
    }
    kv(
        w,
        "usage",
        u == null
            ? "not reported"
            : u.inputTokens()
                + " in / "
                + u.outputTokens()
                + " out / "
                + u.totalTokens()
                + " total");
    kv(w, "finish reason", t.response().finishReason());
    t.response()
        .timeToFirstChunkSeconds()
        .ifPresent(
            s -> {
              try {
                kv(w, "time to first chunk", String.format(Locale.ROOT, "%.1f ms", s * 1000));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    if (!t.parameters().isEmpty()) {
      kv(w, "parameters", JsonTree.toJson(t.parameters()));
    }
    if (!t.metadata().isEmpty()) {
      kv(w, "metadata", JsonTree.toJson(t.metadata()));
    }
    if (!"full".equals(t.contentCapture())) {
      kv(
          w,
          "content",
          t.contentCapture() + (t.contentTruncated() ? " (cut to a byte budget)" : ""));
    }
    w.write("</table>\n");
    if (t.error().isPresent()) {
      w.write(
          "<div class=\"error\">Error "
              + esc(t.error().get().type())
              + "</div><pre>"
              + esc(t.error().get().message())
              + "</pre>\n");
    }
    if (!t.systemPrompt().isEmpty()) {
      w.write("<div class=\"role\">system</div><pre>" + esc(t.systemPrompt()) + "</pre>\n");
    }
    for (Message m : t.messages()) {
      w.write(
          "<div class=\"role\">"
              + esc(m.role())
              + "</div><pre>"
              + esc(dev.otelllm.internal.InteractionMaps.messageContent(m))
              + "</pre>\n");
      for (Part.ToolCall c : m.toolCalls()) {
        w.write(
            "<div>tool call "
                + esc(c.name())
                + " "
                + esc(c.id())
                + "</div><pre>"
                + esc(JsonTree.toJson(c.arguments()))
                + "</pre>\n");
      }
    }
    w.write("<div class=\"role\">answer</div><pre>" + esc(t.response().content()) + "</pre>\n");
    for (Part.ToolCall c : t.response().toolCalls()) {
      w.write(
          "<div>tool call "
              + esc(c.name())
              + " "
              + esc(c.id())
              + "</div><pre>"
              + esc(JsonTree.toJson(c.arguments()))
              + "</pre>\n");
    }
    w.write("</details>\n");
  }

  private static void kv(Writer w, String key, String value) throws IOException {
    w.write("<tr><td>" + esc(key) + "</td><td>" + esc(value) + "</td></tr>");
  }

  private static String bar(String cls, long offsetNanos, long lengthNanos, double span) {
    double left = Math.max(0, Math.min(100, offsetNanos / span * 100));
    double width = Math.max(0.2, Math.min(100 - left, lengthNanos / span * 100));
    return String.format(
        Locale.ROOT,
        "<span class=\"lane\"><span class=\"%s\" style=\"left:%.3f%%;width:%.3f%%\"></span></span>",
        cls,
        left,
        width);
  }

  private static String step(Interaction t) {
    Object step = t.metadata().get("step_type");
    return step == null ? "" : String.valueOf(step);
  }

  /**
   * HTML-escapes text for element content. Control characters and the bidirectional controls
   * ({@link MarkdownReport#reordersText(char)}) become {@code \\uXXXX} in a marked span, never the
   * character itself: raw, they could hide text or make it read in another order than it runs.
   */
  static String esc(String s) {
    return escape(s, true);
  }

  /**
   * HTML-escapes text for a quoted attribute value or an option's label, where markup has no place:
   * the same escapes as {@link #esc(String)}, as plain text.
   */
  static String attr(String s) {
    return escape(s, false);
  }

  private static String escape(String s, boolean marked) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&':
          sb.append("&amp;");
          break;
        case '<':
          sb.append("&lt;");
          break;
        case '>':
          sb.append("&gt;");
          break;
        case '"':
          sb.append("&quot;");
          break;
        case '\'':
          sb.append("&#39;");
          break;
        default:
          if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r')
              || c == 0x7f
              || MarkdownReport.reordersText(c)) {
            String code = String.format("\\u%04x", (int) c);
            sb.append(marked ? "<span class=\"ctl\">" + code + "</span>" : code);
          } else {
            sb.append(c);
          }
      }
    }
    return sb.toString();
  }

  private static String sha256(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
