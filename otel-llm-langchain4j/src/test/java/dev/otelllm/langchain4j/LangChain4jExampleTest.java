package dev.otelllm.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otelllm.trace.Interaction;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LangChain4jExampleTest {

  @Test
  void example_runsOffline_andPrintsOneRowPerModelCall() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<Interaction> traces;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      traces = new LangChain4jExample(out).run();
    }
    String printed = bytes.toString(StandardCharsets.UTF_8);

    assertThat(traces)
        .extracting(t -> t.metadata().getOrDefault("step_type", t.metadata().get("ai_service")))
        .containsExactly("plan", "TripAssistant.chat", "TripAssistant.chat", "summary");
    assertThat(traces.get(3).parameters()).containsEntry("stream", true);
    assertThat(printed)
        .contains("summary:   Hello there!")
        .contains("get_current_weather{location=Boston, MA}")
        .contains("4 interactions, 1 tool result(s) sent back")
        .contains("session traveller-1 (the AI service's memory id): 2 interactions");
  }
}
