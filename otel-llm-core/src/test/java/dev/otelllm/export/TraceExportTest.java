package dev.otelllm.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.otelllm.Message;
import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.TraceError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceExportTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static SampleTraces samples;

  @BeforeAll
  static void record() {
    samples = new SampleTraces();
  }

  @AfterAll
  static void close() {
    samples.close();
  }

  @Test
  void jsonl_oneLinePerInteraction_eachEqualToTheMapForm() throws Exception {
    List<Interaction> traces = samples.traces();
    assertThat(traces).hasSize(6);
    String jsonl = TraceExport.toString(traces, TraceFormat.JSONL);
    assertThat(jsonl).endsWith("\n");
    String[] lines = jsonl.split("\n");
    assertThat(lines).hasSize(6);
    for (int i = 0; i < lines.length; i++) {
      Object parsed = JSON.readValue(lines[i], Object.class);
      Object expected =
          JSON.readValue(JSON.writeValueAsString(traces.get(i).toMap()), Object.class);
      assertThat(parsed).isEqualTo(expected);
      // Same bytes as the map form written by the library's own JSON writer.
      assertThat(lines[i]).isEqualTo(traces.get(i).toJson());
    }
  }

  @Test
  void json_isAnArrayOfTheMapForms() throws Exception {
    List<Interaction> traces = samples.traces();
    List<?> parsed = JSON.readValue(TraceExport.toString(traces, TraceFormat.JSON), List.class);
    assertThat(parsed).hasSize(traces.size());
    @SuppressWarnings("unchecked")
    Map<String, Object> failed = (Map<String, Object>) parsed.get(2);
    @SuppressWarnings("unchecked")
    Map<String, Object> meta = (Map<String, Object>) failed.get("metadata");
    assertThat(meta).containsEntry("error_type", "429").containsEntry("session_id", "sess-1");
    assertThat((String) meta.get("error_message")).startsWith("rate limited: ````");
  }

  @Test
  void empty_givesEmptyButValidOutput() throws Exception {
    assertThat(TraceExport.toString(List.of(), TraceFormat.JSONL)).isEmpty();
    assertThat(JSON.readValue(TraceExport.toString(List.of(), TraceFormat.JSON), List.class))
        .isEmpty();
    assertThat(TraceExport.toString(List.of(), TraceFormat.MARKDOWN))
        .contains("| 0 | 0 (0.0%) |")
        .contains("No interactions.");
    assertThat(TraceExport.toString(List.of(), TraceFormat.HTML)).contains("data-rows=\"0\"");
  }

  @Test
  void unicode_survivesEveryFormat() throws Exception {
    List<Interaction> traces = samples.traces();
    for (TraceFormat f : TraceFormat.values()) {
      String out = TraceExport.toString(traces, f);
      assertThat(out).as(f.id()).contains("Zürich").contains("中文").contains("😀");
    }
  }

  @Test
  void markdown_fencesAreLongerThanAnyBacktickRun_andNothingBreaksOut() {
    String md = TraceExport.toString(samples.traces(), TraceFormat.MARKDOWN);
    assertThat(md).startsWith("# LLM interactions\n\n| interactions | errors |");
    assertThat(md).contains("```mermaid\ngantt\n").contains("section trace ").contains(":crit, ");
    // The content has a run of four backticks: its fences have five.
    assertThat(md).contains("`````text\nfixed ```` fence");
    // Control characters are shown, not emitted.
    assertThat(md)
        .doesNotContain("\u0001")
        .doesNotContain("\u001b")
        .contains("\\u0001")
        .contains("\\u001b");
    // Every fence that opens closes: count fence lines per length.
    assertFencesBalanced(md);
    assertThat(md).contains("## 3. code\\_generation attempt 3 (failed)");
    assertThat(md)
        .contains("### Tool calls")
        .contains("`get_weather`")
        .contains("\"city\":\"Zürich\"");
    assertThat(md).contains("**Error** `429`");
    assertThat(md).contains("- **Parameters:** `temperature` = `0.5`, `max_tokens` = `100`");
  }

  private static void assertFencesBalanced(String md) {
    String open = null;
    for (String line : md.split("\n", -1)) {
      String trimmed = line.strip();
      if (open == null) {
        if (trimmed.startsWith("```")) {
          int n = 0;
          while (n < trimmed.length() && trimmed.charAt(n) == '`') {
            n++;
          }
          open = "`".repeat(n);
        }
      } else if (trimmed.equals(open)) {
        open = null;
      } else {
        // Inside a block no line may be a fence of the same or greater length.
        assertThat(trimmed.startsWith(open) && trimmed.replace("`", "").isEmpty())
            .as(line)
            .isFalse();
      }
    }
    assertThat(open).as("unclosed fence").isNull();
  }

  @Test
  void markdown_oneInteraction() {
    String md = TraceExport.toString(samples.traces().get(0), TraceFormat.MARKDOWN);
    assertThat(md).contains("## 1. code\\_generation attempt 1").doesNotContain("## 2.");
    assertThat(md).contains("### Prompt\n\n```text\nCreate a histogram\n```");
    assertThat(md).contains("### Answer\n\n````text\n```python\nprint('hi')\n```\n````");
  }

  @Test
  void html_escapesEverything_andCarriesAHashOnlyScriptPolicy() {
    String html = TraceExport.toString(samples.traces(), TraceFormat.HTML);
    assertThat(html).startsWith("<!DOCTYPE html>");
    assertThat(html).contains("Content-Security-Policy").contains("script-src 'sha256-");
    assertThat(html).doesNotContain("<script>document.body").doesNotContain("<img src=x");
    assertThat(html).contains("&lt;/script&gt;&lt;script&gt;").contains("&lt;img src=x onerror=");
    assertThat(html.split("<details class=\"row\"", -1)).hasSize(7);
    assertThat(html)
        .contains("<option value=\"sess-1\">sess-1</option>")
        .contains("<option value=\"code_generation\">code_generation</option>");
    assertThat(html).doesNotContain("http://").doesNotContain("https://");
  }

  @Test
  void toFile_createsParentFolders(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("a/b/c/traces.jsonl");
    TraceExport.toFile(samples.traces(), TraceFormat.JSONL, file);
    assertThat(Files.readAllLines(file, StandardCharsets.UTF_8)).hasSize(6);
    Path md = TraceExport.toFile(samples.traces(), TraceFormat.MARKDOWN, dir.resolve("report.md"));
    assertThat(Files.readString(md)).startsWith("# LLM interactions");
  }

  @Test
  void writeJson_streamsFromAnIterator() throws Exception {
    var out = new java.io.ByteArrayOutputStream();
    List<Interaction> many = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      many.addAll(samples.traces());
    }
    TraceExport.writeJson(many.iterator(), TraceFormat.JSONL, out);
    assertThat(out.toString(StandardCharsets.UTF_8).split("\n")).hasSize(300);
    assertThatThrownBy(() -> TraceExport.writeJson(many.iterator(), TraceFormat.HTML, out))
        .hasMessage("html needs the whole list: use write(Collection, ...)");
  }

  @Test
  void formatNames() {
    assertThat(TraceFormat.fromName("Markdown")).isEqualTo(TraceFormat.MARKDOWN);
    assertThat(TraceFormat.fromName("md")).isEqualTo(TraceFormat.MARKDOWN);
    assertThatThrownBy(() -> TraceFormat.fromName("xml"))
        .hasMessage("unknown format 'xml': use jsonl, json, markdown or html");
  }

  @Test
  void markdown_showsAToolResultSentAfterThePrompt() {
    Interaction t = samples.traces().get(4);
    assertThat(t.messages())
        .extracting(dev.otelllm.Message::role)
        .containsExactly("user", "assistant", "tool");
    String md = TraceExport.toString(t, TraceFormat.MARKDOWN);
    assertThat(md)
        .contains("### Conversation")
        .contains("*(the prompt, below)*")
        .contains("**tool**")
        .contains("{\"temp_c\":21}");
    assertThat(md.split("Weather in Zürich\\?", -1).length).isLessThanOrEqualTo(3);
  }

  /**
   * Every character that reorders text: the embeddings and overrides, the isolates and the marks,
   * each with the escape the reports show in its place.
   */
  private static final String[] BIDI_ESCAPES = {
    "\\u202a", "\\u202b", "\\u202c", "\\u202d", "\\u202e", "\\u2066", "\\u2067", "\\u2068",
    "\\u2069", "\\u200e", "\\u200f", "\\u061c"
  };

  private static char bidiChar(String escape) {
    return (char) Integer.parseInt(escape.substring(2), 16);
  }

  /**
   * An interaction with {@code a<c>b} in its prompt, answer, system prompt, session, step and
   * error.
   */
  private static Interaction withBidi(char c) {
    String text = "a" + c + "b";
    return Interaction.builder()
        .traceId("0af7651916cd43dd8448eb211c80319c")
        .spanId("0000000000000001")
        .parentSpanId("")
        .startEpochNanos(1_000_000_000L)
        .durationNanos(5_000_000L)
        .operation("chat")
        .provider("openai")
        .model("gpt")
        .server(Interaction.Server.NONE)
        .systemPrompt("system " + text)
        .messages(List.of(Message.user("prompt " + text)))
        .parameters(Map.of())
        .tools(List.of())
        .response(
            new Interaction.Response(
                "answer " + text, List.of(), "stop", Optional.empty(), "", "", List.of()))
        .metadata(Map.of("step_type", "step " + text))
        .sessionId("sess " + text)
        .error(Optional.of(new TraceError("500", "error " + text)))
        .contentCapture("full")
        .contentTruncated(false)
        .build();
  }

  @Test
  void markdown_showsEveryBidiControlAsAnEscape_neverRaw() {
    for (String escape : BIDI_ESCAPES) {
      char c = bidiChar(escape);
      String md = TraceExport.toString(withBidi(c), TraceFormat.MARKDOWN);
      assertThat(md)
          .as(escape)
          .doesNotContain(String.valueOf(c))
          .contains("### Prompt\n\n```text\nprompt a" + escape + "b\n```\n")
          .contains("### Answer\n\n```text\nanswer a" + escape + "b\n```\n")
          .contains("### System prompt\n\n```text\nsystem a" + escape + "b\n```\n")
          .contains("**Error** `500`\n\n```text\nerror a" + escape + "b\n```\n")
          .contains(" · **Session:** `sess a" + escape + "b`\n")
          .contains("- **Metadata:** `step_type` = `step a" + escape + "b`\n")
          // Headings and table cells escape the backslash of the escape itself.
          .contains("## 1. step a\\" + escape + "b (failed)\n")
          .contains("| step a\\" + escape + "b | 1 | 1 |");
    }
  }

  @Test
  void html_showsEveryBidiControlAsAMarkedEscape_neverRaw() {
    for (String escape : BIDI_ESCAPES) {
      char c = bidiChar(escape);
      String html = TraceExport.toString(List.of(withBidi(c)), TraceFormat.HTML);
      String marked = "a<span class=\"ctl\">" + escape + "</span>b";
      assertThat(html)
          .as(escape)
          .doesNotContain(String.valueOf(c))
          .contains("<div class=\"role\">user</div><pre>prompt " + marked + "</pre>")
          .contains("<div class=\"role\">answer</div><pre>answer " + marked + "</pre>")
          .contains("<div class=\"role\">system</div><pre>system " + marked + "</pre>")
          .contains("<div class=\"error\">Error 500</div><pre>error " + marked + "</pre>")
          .contains("<tr><td>session</td><td>sess " + marked + "</td></tr>")
          .contains(
              "<span class=\"label\">1. step "
                  + marked
                  + " <span class=\"error\">failed</span></span>")
          // Attributes and option labels hold no markup: the escape is plain text there.
          .contains(
              "<details class=\"row\" data-session=\"sess a"
                  + escape
                  + "b\" data-step=\"step a"
                  + escape
                  + "b\">")
          .contains("<option value=\"sess a" + escape + "b\">sess a" + escape + "b</option>")
          .contains("<option value=\"step a" + escape + "b\">step a" + escape + "b</option>")
          .contains(".ctl{");
    }
  }
}
